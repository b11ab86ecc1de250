package dev.cutover.flags.internal;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the refresher, read by the metrics binder. */
final class RefreshStats {
    final LongAdder refreshes = new LongAdder();
    final LongAdder refreshNanos = new LongAdder();
    final LongAdder refreshErrors = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder rejectedFlags = new LongAdder();

    /** Refresh cycles run (head check, plus load when needed). */
    public long refreshes() {
        return refreshes.sum();
    }

    /** Total time spent in refresh cycles, in nanoseconds. */
    public long refreshNanos() {
        return refreshNanos.sum();
    }

    /** Refresh cycles that failed after retries. */
    public long refreshErrors() {
        return refreshErrors.sum();
    }

    /** Full loads (the head revision had moved). */
    public long loads() {
        return loads.sum();
    }

    /** Flag documents rejected by validation, over all loads. */
    public long rejectedFlags() {
        return rejectedFlags.sum();
    }
}
