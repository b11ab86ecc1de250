package dev.cutover.journal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Gap.Kind#RUN} record of a {@link KeyLedger}: written when the ledger starts, its lease
 * renewed every {@code heartbeat} by the drainer (to three heartbeats past the renewal), and removed
 * on a clean close. Renewed first on the constructing thread, then only on the drainer, which the
 * thread start orders after it; {@link #recorded()} is read by any thread.
 */
final class RunRecord {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLedger.class);
    private static final long REMOVE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final String name;
    private final FailedWriteJournal journal;
    private final Duration heartbeat;
    private final Clock clock;
    private final String id = UUID.randomUUID().toString();
    private final Instant startedAt;
    private volatile boolean recorded;
    private long nextHeartbeat;

    RunRecord(String name, FailedWriteJournal journal, Duration heartbeat, Clock clock) {
        this.name = name;
        this.journal = journal;
        this.heartbeat = heartbeat;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    String id() {
        return id;
    }

    /** Whether the record was written at least once. */
    boolean recorded() {
        return recorded;
    }

    /**
     * Renews the lease if a heartbeat is due. Returns false, after telling {@code failed}, when the
     * journal failed.
     */
    boolean renewIfDue(BiConsumer<String, Throwable> failed) {
        return System.nanoTime() - nextHeartbeat < 0 || renew(failed);
    }

    /**
     * Puts the record with a lease of three heartbeats. Returns false, after telling {@code failed},
     * when the journal failed.
     */
    boolean renew(BiConsumer<String, Throwable> failed) {
        Instant now = clock.instant();
        Instant lease = now.plus(heartbeat.multipliedBy(3));
        try {
            journal.putGap(new Gap(
                    id,
                    name,
                    Gap.Kind.RUN,
                    startedAt,
                    lease,
                    "a process that holds keys in memory before they reach the journal"));
            recorded = true;
            nextHeartbeat = System.nanoTime() + heartbeat.toNanos();
            return true;
        } catch (Throwable e) {
            failed.accept("renewing the run record", e);
            return false;
        }
    }

    /** Removes the record, trying three times; if all fail, it reads as a gap once its lease passes. */
    void remove() {
        Throwable last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                journal.removeGap(id);
                return;
            } catch (Throwable e) {
                last = e;
                LockSupport.parkNanos(REMOVE_RETRY_NANOS << attempt);
            }
        }
        LOG.warn(
                "{}: could not remove this run's record {} from the journal ({}); it reads as a gap once its lease"
                        + " passes, until a full reconciliation closes it",
                name,
                id,
                String.valueOf(last));
    }
}
