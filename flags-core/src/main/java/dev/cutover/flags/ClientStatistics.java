package dev.cutover.flags;

import java.util.function.Consumer;

/**
 * Running totals a {@link FlagClient} keeps for metrics binders, such as
 * {@link dev.cutover.flags.metrics.FlagClientMetrics} for Micrometer. Every total only grows, from
 * the moment the client was built; a binder publishes them as function counters.
 *
 * <pre>{@code
 * ClientStatistics stats = flags.statistics();
 * stats.countEvaluations();
 * stats.forEachEvaluationCounter(c -> System.out.println(c.flag() + " " + c.variant() + " " + c.count()));
 * }</pre>
 *
 * <p>Thread-safe: totals are lock-free adders that may be read from any thread while the client
 * runs; a read sees every increment that happened before it, and maybe some that are concurrent.
 *
 * @since 0.1.0
 */
public interface ClientStatistics {

    /** The store's description, as in its {@code describe()}: the natural tag for these totals. */
    String storeName();

    /** Refresh cycles run (a head check, plus a load when the revision moved). */
    long refreshes();

    /** Total time spent in refresh cycles, in nanoseconds. */
    long refreshNanos();

    /** Refresh cycles that failed after retries. */
    long refreshErrors();

    /** Full loads of the flag set (the head revision had moved, or a push hint came). */
    long loads();

    /** Flag documents rejected by validation, over all loads. */
    long rejectedFlags();

    /**
     * Starts counting evaluations by flag, variant, reason and error. Off until called, because a
     * count costs an evaluation about 5 ns; idempotent; cannot be turned off again.
     */
    void countEvaluations();

    /**
     * Visits every evaluation counter created so far, in no particular order. A counter is created
     * the first time its series can occur (a flag's variants when the flag is loaded; not-found and
     * error series on first use), so call this again later to find new ones. Each counter object
     * lives as long as the client: a binder may hold it and read {@link EvaluationCounter#count()}.
     */
    void forEachEvaluationCounter(Consumer<EvaluationCounter> visitor);

    /**
     * The number of evaluations in one series. Unknown flag keys and erroring keys beyond 1,000
     * distinct ones share the flag name {@code (other)}, so the number of series stays bounded.
     *
     * @since 0.1.0
     */
    interface EvaluationCounter {
        /** The flag key. */
        String flag();

        /** The variant served; empty when the caller's default was served. */
        String variant();

        /** Why it was served. */
        Reason reason();

        /** The {@link ErrorCode} name; empty when none. */
        String errorCode();

        /** Evaluations counted in this series so far. */
        long count();
    }
}
