package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatistics;
import java.util.function.Consumer;

/**
 * The {@link ClientStatistics} of a {@link DefaultFlagClient}: a read-only view of the refresher's
 * {@link RefreshStats} and the evaluator's {@link EvaluationCounters}. Thread-safe because both are
 * lock-free adders; holds no state of its own.
 */
final class DefaultClientStatistics implements ClientStatistics {
    private final String storeName;
    private final RefreshStats refresh;
    private final EvaluationCounters evaluations;
    private final FlagEvaluator evaluator;

    DefaultClientStatistics(
            String storeName, RefreshStats refresh, EvaluationCounters evaluations, FlagEvaluator evaluator) {
        this.storeName = storeName;
        this.refresh = refresh;
        this.evaluations = evaluations;
        this.evaluator = evaluator;
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public long refreshes() {
        return refresh.refreshes();
    }

    @Override
    public long refreshNanos() {
        return refresh.refreshNanos();
    }

    @Override
    public long refreshErrors() {
        return refresh.refreshErrors();
    }

    @Override
    public long loads() {
        return refresh.loads();
    }

    @Override
    public long rejectedFlags() {
        return refresh.rejectedFlags();
    }

    @Override
    public void countEvaluations() {
        evaluator.countEvaluations();
    }

    @Override
    public void forEachEvaluationCounter(Consumer<EvaluationCounter> visitor) {
        evaluations.forEach(visitor);
    }

    @Override
    public String toString() {
        return "ClientStatistics{store=" + storeName + ", refreshes=" + refreshes() + ", loads=" + loads()
                + ", refreshErrors=" + refreshErrors() + ", rejectedFlags=" + rejectedFlags() + "}";
    }
}
