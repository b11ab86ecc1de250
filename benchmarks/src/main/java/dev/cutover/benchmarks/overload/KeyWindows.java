package dev.cutover.benchmarks.overload;

import dev.cutover.journal.Gap;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Per key, when its first and last write through the proxy started (epoch nanos), for the gap check. */
final class KeyWindows {
    private final long[] first;
    private final long[] last;
    private final AtomicLong writes = new AtomicLong();

    KeyWindows(int keys) {
        first = new long[keys];
        last = new long[keys];
        Arrays.fill(first, Long.MAX_VALUE);
        Arrays.fill(last, Long.MIN_VALUE);
    }

    /** Adds a phase's writes, after it ended (not on the callers' path). */
    synchronized void add(Phase p) {
        for (int j = 0; j < p.keys.length; j++) {
            wrote(p.keys[j], p.startNanos[j] + p.epochOffset);
        }
    }

    /** One write of {@code key} started at {@code epochNanos}. */
    synchronized void wrote(int key, long epochNanos) {
        first[key] = Math.min(first[key], epochNanos);
        last[key] = Math.max(last[key], epochNanos);
        writes.incrementAndGet();
    }

    long writes() {
        return writes.get();
    }

    /**
     * Whether an open gap overlaps the key's writes: from its first write's start to its last
     * write's start plus the shadow budget (when a shadow write can still be refused) and 1 s.
     */
    synchronized boolean inGap(int key, List<Gap> gaps, Duration budget) {
        if (first[key] == Long.MAX_VALUE) {
            return false;
        }
        long from = first[key];
        long to = last[key] + budget.toNanos() + 1_000_000_000L;
        for (Gap g : gaps) {
            long gFrom = g.from().getEpochSecond() * 1_000_000_000L + g.from().getNano();
            long gTo = g.to().getEpochSecond() * 1_000_000_000L + g.to().getNano();
            if (gFrom <= to && gTo >= from) {
                return true;
            }
        }
        return false;
    }
}
