package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.BenchmarkFlags.PLAIN_BOOLEAN;
import static dev.cutover.benchmarks.BenchmarkFlags.ROLLOUT_PERCENT;
import static dev.cutover.benchmarks.BenchmarkFlags.RULE1_COUNTRIES;
import static dev.cutover.benchmarks.BenchmarkFlags.RULE2_PLANS;
import static dev.cutover.benchmarks.BenchmarkFlags.RULE3_EMAIL_SUFFIX;
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
import dev.cutover.flags.metrics.FlagClientMetrics;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Cutover: a {@link FlagClient} over an {@link InMemoryFlagStore}. */
public final class CutoverFlags implements FlagSystem<EvaluationContext> {

    private final InMemoryFlagStore store = new InMemoryFlagStore();
    private final FlagClient client;

    /** Writes both flags to the store and starts a client over it, without metrics. */
    public CutoverFlags() throws Exception {
        this(false);
    }

    /**
     * Writes both flags to the store and starts a client over it.
     *
     * @param metered whether Micrometer metrics are bound, which makes every evaluation count itself
     */
    public CutoverFlags(boolean metered) throws Exception {
        AuditInfo audit = new AuditInfo("benchmarks", "benchmark setup");
        store.put(Flag.booleanFlag(PLAIN_BOOLEAN, true), 0, audit);
        store.put(rulesRolloutFlag(), 0, audit);
        client = FlagClient.builder(store).build();
        if (metered) {
            FlagClientMetrics.of(client).bindTo(new SimpleMeterRegistry());
        }
    }

    /** The rules-and-rollout flag as a Cutover definition. */
    static Flag rulesRolloutFlag() {
        Serve on = Serve.variant("true");
        return Flag.builder(RULES_ROLLOUT)
                .booleanVariants()
                .rule(Rule.when(on, Clause.of("country", Operator.IN, RULE1_COUNTRIES.toArray())))
                .rule(Rule.when(on, Clause.of("plan", Operator.IN, RULE2_PLANS.toArray())))
                .rule(Rule.when(on, Clause.of("email", Operator.ENDS_WITH, RULE3_EMAIL_SUFFIX)))
                .fallthrough(Serve.rollout(Rollout.of(
                        new Allocation("true", ROLLOUT_PERCENT), new Allocation("false", 100 - ROLLOUT_PERCENT))))
                .build();
    }

    @Override
    public String name() {
        return "cutover";
    }

    @Override
    public EvaluationContext context(Subject subject) {
        return EvaluationContext.builder(subject.key())
                .set("country", subject.country())
                .set("plan", subject.plan())
                .set("email", subject.email())
                .build();
    }

    @Override
    public boolean plainBoolean(EvaluationContext context) {
        return client.booleanValue(PLAIN_BOOLEAN, context, false);
    }

    @Override
    public boolean rulesRollout(EvaluationContext context) {
        return client.booleanValue(RULES_ROLLOUT, context, false);
    }

    @Override
    public void close() {
        client.close();
        store.close();
    }
}
