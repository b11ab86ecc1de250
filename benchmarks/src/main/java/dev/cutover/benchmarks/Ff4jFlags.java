package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.BenchmarkFlags.PLAIN_BOOLEAN;
import static dev.cutover.benchmarks.BenchmarkFlags.ROLLOUT_PERCENT;
import static dev.cutover.benchmarks.BenchmarkFlags.RULES_ROLLOUT;

import org.ff4j.FF4j;
import org.ff4j.core.Feature;
import org.ff4j.core.FeatureStore;
import org.ff4j.core.FlippingExecutionContext;
import org.ff4j.store.InMemoryFeatureStore;
import org.ff4j.strategy.AbstractFlipStrategy;
import org.ff4j.strategy.PonderationStrategy;

/**
 * FF4j with its {@link InMemoryFeatureStore}, audit off and no authorization manager. The plain flag
 * is an enabled feature without strategy. The rules flag uses {@link RulesRolloutStrategy}, a
 * custom flipping strategy: FF4j's built-in {@link PonderationStrategy} draws {@code Math.random()}
 * on every check, so it is not a sticky per-key rollout, and its expression strategy combines other
 * features rather than context attributes.
 */
public final class Ff4jFlags implements FlagSystem<FlippingExecutionContext> {

    private final FF4j ff4j;

    /** Creates both features in an in-memory store. */
    public Ff4jFlags() {
        ff4j = new FF4j();
        ff4j.setFeatureStore(new InMemoryFeatureStore());
        ff4j.audit(false);
        ff4j.autoCreate(false);
        ff4j.createFeature(new Feature(PLAIN_BOOLEAN, true));
        Feature rules = new Feature(RULES_ROLLOUT, true);
        rules.setFlippingStrategy(new RulesRolloutStrategy());
        ff4j.createFeature(rules);
    }

    @Override
    public String name() {
        return "ff4j";
    }

    @Override
    public FlippingExecutionContext context(Subject subject) {
        FlippingExecutionContext context = new FlippingExecutionContext();
        context.putString("key", subject.key());
        context.putString("country", subject.country());
        context.putString("plan", subject.plan());
        context.putString("email", subject.email());
        return context;
    }

    @Override
    public boolean plainBoolean(FlippingExecutionContext context) {
        return ff4j.check(PLAIN_BOOLEAN, context);
    }

    @Override
    public boolean rulesRollout(FlippingExecutionContext context) {
        return ff4j.check(RULES_ROLLOUT, context);
    }

    @Override
    public void close() {
        ff4j.stop();
    }

    /**
     * Rules 1 to 3 of {@link BenchmarkFlags} on the execution context, then a sticky rollout on the
     * {@code key} value ({@link StickyBuckets}, seeded with the feature name).
     */
    public static final class RulesRolloutStrategy extends AbstractFlipStrategy {
        private static final long serialVersionUID = 1L;

        private final StickyBuckets buckets = new StickyBuckets(RULES_ROLLOUT);

        @Override
        public boolean evaluate(String featureName, FeatureStore store, FlippingExecutionContext executionContext) {
            if (executionContext == null) {
                return false;
            }
            if (BenchmarkFlags.matchesRules(
                    executionContext.getValue("country", false),
                    executionContext.getValue("plan", false),
                    executionContext.getValue("email", false))) {
                return true;
            }
            Object key = executionContext.getValue("key", false);
            return key instanceof String k && buckets.inRollout(k, ROLLOUT_PERCENT);
        }
    }
}
