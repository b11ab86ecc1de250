package dev.cutover.replication.internal.backfill;

import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.spi.ApplyOutcome;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backfill's counters over its whole life: only ever increase, so metrics can read them as
 * counters; a run's counts are the difference of two snapshots. Written by the workers without
 * locks; a snapshot taken while they run may be a few rows out of step between counters.
 */
public final class BackfillCounters {
    private final LongAdder read = new LongAdder();
    private final LongAdder applied = new LongAdder();
    private final LongAdder superseded = new LongAdder();
    private final LongAdder duplicate = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder collisions = new LongAdder();
    private final LongAdder leasesLost = new LongAdder();
    private final LongAdder segmentsCopied = new LongAdder();

    /** All zero. */
    public BackfillCounters() {}

    void read(int rows) {
        read.add(rows);
    }

    void outcomes(List<ApplyOutcome> outcomes) {
        for (ApplyOutcome o : outcomes) {
            switch (o) {
                case APPLIED -> applied.increment();
                case SUPERSEDED -> superseded.increment();
                case DUPLICATE -> duplicate.increment();
            }
        }
    }

    void rejected() {
        rejected.increment();
    }

    void collision() {
        collisions.increment();
    }

    void leaseLost() {
        leasesLost.increment();
    }

    void segmentCopied() {
        segmentsCopied.increment();
    }

    /** The counters now. */
    public BackfillCounts snapshot() {
        return new BackfillCounts(
                read.sum(),
                applied.sum(),
                superseded.sum(),
                duplicate.sum(),
                rejected.sum(),
                collisions.sum(),
                leasesLost.sum(),
                segmentsCopied.sum());
    }
}
