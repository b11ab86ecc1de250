package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.BenchmarkFlags.PLAIN_BOOLEAN;
import static dev.cutover.benchmarks.BenchmarkFlags.RULES_ROLLOUT;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.openfeature.CutoverProvider;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the OpenFeature API costs over Cutover: the same flags and the same subject evaluated
 * through {@code Client.getBooleanValue} / {@code getStringValue} with {@link CutoverProvider}
 * ({@code provider_*}), directly on the {@link FlagClient} behind it ({@code flagClient_*}), and,
 * as the baseline of what any provider costs inside the SDK, through the SDK's own
 * {@code InMemoryProvider} ({@code inMemory_*}, plain and rules flags only).
 *
 * <ul>
 *   <li>{@code plainBoolean}: {@link BenchmarkFlags#PLAIN_BOOLEAN}, on for everyone;
 *   <li>{@code rulesRollout}: {@link BenchmarkFlags#RULES_ROLLOUT}, three rules that
 *       {@link BenchmarkFlags#BENCHMARK_SUBJECT} does not match, then a 10% rollout;
 *   <li>{@code stringRules}: {@value #STRING_FLAG}, a string flag with the same three rules serving
 *       {@code "new"} and a 50/50 rollout of {@code "blue"} and {@code "green"} otherwise.
 * </ul>
 *
 * <p>Both contexts are built once in {@link Setup}: the OpenFeature one is an
 * {@link ImmutableContext} with the targeting key and the three attributes. No hooks are
 * registered and the API has no global context.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpenFeatureProviderBenchmark {

    /** Key of the string flag. */
    public static final String STRING_FLAG = "rules-string";

    /** One FlagClient, and an isolated OpenFeature API whose provider is that client. */
    @State(Scope.Benchmark)
    public static class Flags {
        FlagClient flagClient;
        EvaluationContext context;
        OpenFeatureAPI api;
        Client client;
        OpenFeatureAPI inMemoryApi;
        Client inMemoryClient;
        dev.openfeature.sdk.EvaluationContext openFeatureContext;

        /** Writes the flags, starts the client and registers the provider. */
        @Setup
        public void setUp() {
            InMemoryFlagStore store = new InMemoryFlagStore();
            AuditInfo audit = new AuditInfo("benchmarks", "benchmark setup");
            store.put(Flag.booleanFlag(PLAIN_BOOLEAN, true), 0, audit);
            store.put(CutoverFlags.rulesRolloutFlag(), 0, audit);
            store.put(stringFlag(), 0, audit);
            flagClient = FlagClient.builder(store).build();
            api = OpenFeatureAPI.createIsolated();
            api.setProviderAndWait(CutoverProvider.of(flagClient));
            client = api.getClient();
            inMemoryApi = OpenFeatureAPI.createIsolated();
            inMemoryApi.setProviderAndWait(OpenFeatureFlags.inMemoryProvider());
            inMemoryClient = inMemoryApi.getClient();

            Subject s = BenchmarkFlags.BENCHMARK_SUBJECT;
            context = EvaluationContext.builder(s.key())
                    .set("country", s.country())
                    .set("plan", s.plan())
                    .set("email", s.email())
                    .build();
            openFeatureContext = new ImmutableContext(
                    s.key(),
                    Map.of(
                            "country", new Value(s.country()),
                            "plan", new Value(s.plan()),
                            "email", new Value(s.email())));
        }

        /** Shuts the API down and closes the client. */
        @TearDown
        public void tearDown() {
            api.shutdown();
            inMemoryApi.shutdown();
            flagClient.close();
        }
    }

    /** The string flag: rules 1 to 3 serve {@code new}, everyone else a 50/50 split. */
    static Flag stringFlag() {
        Serve newVariant = Serve.variant("new");
        return Flag.builder(STRING_FLAG)
                .type(VariantType.STRING)
                .variant("new", "new")
                .variant("blue", "blue")
                .variant("green", "green")
                .rule(Rule.when(
                        newVariant, Clause.of("country", Operator.IN, BenchmarkFlags.RULE1_COUNTRIES.toArray())))
                .rule(Rule.when(newVariant, Clause.of("plan", Operator.IN, BenchmarkFlags.RULE2_PLANS.toArray())))
                .rule(Rule.when(newVariant, Clause.of("email", Operator.ENDS_WITH, BenchmarkFlags.RULE3_EMAIL_SUFFIX)))
                .fallthrough(Serve.rollout(Rollout.of(new Allocation("blue", 50), new Allocation("green", 50))))
                .build();
    }

    /** Plain flag, FlagClient directly. */
    @Benchmark
    public boolean flagClient_plainBoolean(Flags f) {
        return f.flagClient.booleanValue(PLAIN_BOOLEAN, f.context, false);
    }

    /** Plain flag through OpenFeature. */
    @Benchmark
    public boolean provider_plainBoolean(Flags f) {
        return f.client.getBooleanValue(PLAIN_BOOLEAN, false, f.openFeatureContext);
    }

    /** Plain flag through OpenFeature with the SDK's own in-memory provider: the baseline. */
    @Benchmark
    public boolean inMemory_plainBoolean(Flags f) {
        return f.inMemoryClient.getBooleanValue(PLAIN_BOOLEAN, false, f.openFeatureContext);
    }

    /** Rules and rollout, FlagClient directly. */
    @Benchmark
    public boolean flagClient_rulesRollout(Flags f) {
        return f.flagClient.booleanValue(RULES_ROLLOUT, f.context, false);
    }

    /** Rules and rollout through OpenFeature. */
    @Benchmark
    public boolean provider_rulesRollout(Flags f) {
        return f.client.getBooleanValue(RULES_ROLLOUT, false, f.openFeatureContext);
    }

    /**
     * Rules and rollout through OpenFeature with the SDK's in-memory provider, whose context
     * evaluator is the three rules and the sticky rollout written in Java ({@link OpenFeatureFlags}).
     */
    @Benchmark
    public boolean inMemory_rulesRollout(Flags f) {
        return f.inMemoryClient.getBooleanValue(RULES_ROLLOUT, false, f.openFeatureContext);
    }

    /** String flag, FlagClient directly. */
    @Benchmark
    public String flagClient_stringRules(Flags f) {
        return f.flagClient.stringValue(STRING_FLAG, f.context, "none");
    }

    /** String flag through OpenFeature. */
    @Benchmark
    public String provider_stringRules(Flags f) {
        return f.client.getStringValue(STRING_FLAG, "none", f.openFeatureContext);
    }
}
