package dev.cutover.journal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gaps a {@link KeyLedger} still has to put into the journal: keys the journal refused, and the
 * range of the current overflow episode. An episode keeps one gap id while it lasts; each pass
 * widens its end to the moment the pass read the clock, so every overflow counted before that
 * moment lies inside the recorded range. Added to by the drainer and read by any thread through
 * {@link #isEmpty()}; every access holds the list's lock.
 */
final class PendingGaps {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLedger.class);

    private final String name;
    private final FailedWriteJournal journal;
    private final int maxKeys;
    private final Clock clock;
    private final List<Gap> unrecorded = new ArrayList<>();
    private @Nullable Gap overflowGap;

    PendingGaps(String name, FailedWriteJournal journal, int maxKeys, Clock clock) {
        this.name = name;
        this.journal = journal;
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    void add(Gap gap) {
        synchronized (unrecorded) {
            unrecorded.add(gap);
        }
    }

    /** Whether no gap waits and no overflow episode is open. */
    boolean isEmpty() {
        synchronized (unrecorded) {
            return unrecorded.isEmpty() && overflowGap == null;
        }
    }

    /**
     * Puts the pending gaps, the overflow range first: {@code since} is the epoch millis of the first
     * overflow not yet in a gap, or 0 when there was none since the last pass (the episode ended with
     * its last recorded range). Returns false, after telling {@code failed}, when the journal failed;
     * the gaps not yet put stay for the next pass.
     */
    boolean record(long since, BiConsumer<String, Throwable> failed) {
        synchronized (unrecorded) {
            if (since != 0) {
                Instant to = clock.instant();
                Gap g = overflowGap;
                overflowGap = g == null
                        ? new Gap(
                                UUID.randomUUID().toString(),
                                name,
                                Gap.Kind.OVERFLOW,
                                Instant.ofEpochMilli(since),
                                to,
                                "more than " + maxKeys
                                        + " keys waited for the journal; writes past that bound were not kept")
                        : new Gap(g.id(), g.repository(), g.kind(), g.from(), to, g.detail());
                unrecorded.add(overflowGap);
            } else {
                overflowGap = null; // the episode ended with its last recorded range
            }
            while (!unrecorded.isEmpty()) {
                Gap g = unrecorded.get(0);
                try {
                    journal.putGap(g);
                } catch (Throwable e) {
                    failed.accept("recording gap " + g.id(), e);
                    return false;
                }
                LOG.error(
                        "{}: recorded gap {} ({}, {} .. {}); no stage may move past SHADOW until a full reconciliation"
                                + " and repair close it",
                        name,
                        g.id(),
                        g.kind(),
                        g.from(),
                        g.to());
                unrecorded.remove(0);
            }
            return true;
        }
    }
}
