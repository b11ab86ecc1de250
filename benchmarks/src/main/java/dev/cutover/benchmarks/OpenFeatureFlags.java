package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.BenchmarkFlags.PLAIN_BOOLEAN;
import static dev.cutover.benchmarks.BenchmarkFlags.ROLLOUT_PERCENT;
import static dev.cutover.benchmarks.BenchmarkFlags.RULES_ROLLOUT;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import java.util.Map;

/**
 * The OpenFeature SDK with its {@link InMemoryProvider}, registered for its own domain. The plain
 * flag is a static default variant; the rules flag has a context evaluator implementing rules 1 to
 * 3 and a sticky rollout on the targeting key ({@link StickyBuckets}), since the
 * in-memory provider has no targeting language of its own.
 */
public final class OpenFeatureFlags implements FlagSystem<EvaluationContext> {

    private static final String DOMAIN = "cutover-benchmarks";
    private static final StickyBuckets BUCKETS = new StickyBuckets(RULES_ROLLOUT);

    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    private final Client client;

    /** Registers the provider and waits until it is ready. */
    public OpenFeatureFlags() {
        api.setProviderAndWait(DOMAIN, inMemoryProvider());
        client = api.getClient(DOMAIN);
    }

    /**
     * The SDK's in-memory provider with both benchmark flags: the plain flag a static default
     * variant, the rules flag a context evaluator.
     */
    static InMemoryProvider inMemoryProvider() {
        Flag<Boolean> plain = Flag.<Boolean>builder()
                .variant("on", true)
                .variant("off", false)
                .defaultVariant("on")
                .build();
        Flag<Boolean> rules = Flag.<Boolean>builder()
                .variant("on", true)
                .variant("off", false)
                .defaultVariant("off")
                .contextEvaluator(OpenFeatureFlags::evaluateRules)
                .build();
        return new InMemoryProvider(Map.of(PLAIN_BOOLEAN, plain, RULES_ROLLOUT, rules));
    }

    private static Boolean evaluateRules(Flag<?> flag, EvaluationContext context) {
        if (BenchmarkFlags.matchesRules(
                string(context, "country"), string(context, "plan"), string(context, "email"))) {
            return Boolean.TRUE;
        }
        String key = context.getTargetingKey();
        return key != null && BUCKETS.inRollout(key, ROLLOUT_PERCENT);
    }

    private static Object string(EvaluationContext context, String attribute) {
        Value value = context.getValue(attribute);
        return value == null ? null : value.asString();
    }

    @Override
    public String name() {
        return "openfeature";
    }

    @Override
    public EvaluationContext context(Subject subject) {
        return new ImmutableContext(
                subject.key(),
                Map.of(
                        "country", new Value(subject.country()),
                        "plan", new Value(subject.plan()),
                        "email", new Value(subject.email())));
    }

    @Override
    public boolean plainBoolean(EvaluationContext context) {
        return client.getBooleanValue(PLAIN_BOOLEAN, false, context);
    }

    @Override
    public boolean rulesRollout(EvaluationContext context) {
        return client.getBooleanValue(RULES_ROLLOUT, false, context);
    }

    @Override
    public void close() {
        api.shutdown();
    }
}
