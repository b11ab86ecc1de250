package dev.cutover.replication.kafka.internal;

import dev.cutover.replication.Change;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The offsets of one partition that this consumer fetched and has not committed yet, for one
 * assignment of the partition: a new assignment gets a new ledger, so an acknowledgement for an
 * assignment that ended finds its ledger revoked and changes nothing.
 *
 * <p>What it guarantees: {@link #committable} only ever returns the offset after a contiguous run
 * of acknowledged records, counted over the records actually fetched (offsets may skip numbers:
 * compaction, transaction markers). So a committed offset never passes a record that was not
 * acknowledged. After {@link #revoke} nothing more is taken, acknowledged or committed.
 *
 * <p>Thread-safety: every method holds this ledger's lock. The consumer thread adds and commits;
 * worker threads take and acknowledge. Each lock hold is a few field updates, or a scan of the
 * pending records for expired holds.
 */
public final class PartitionLedger {
    private final TopicPartition partition;
    private final ArrayDeque<Fetched> pending = new ArrayDeque<>();
    private boolean revoked;
    /** The highest offset removed from {@code pending} as acknowledged; -1 before the first. */
    private long completedThrough = -1;
    /** The offset last committed (the next to read); -1 before the first commit. */
    private long committed = -1;

    private int unacknowledged;

    public PartitionLedger(TopicPartition partition) {
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Adds a fetched record, in offset order; {@code change} null for a refused record. */
    public synchronized Fetched add(long offset, @Nullable Change change) {
        Fetched f = new Fetched(this, offset, change);
        pending.addLast(f);
        unacknowledged++;
        return f;
    }

    /** Hands {@code f} to a worker; false when it is no longer to be handed out (acknowledged, revoked). */
    synchronized boolean take(Fetched f, long nowNanos) {
        if (revoked || f.state != Fetched.State.QUEUED) {
            return false;
        }
        f.state = Fetched.State.HELD;
        f.heldSince = nowNanos;
        return true;
    }

    /** Marks {@code f} acknowledged; false when it already was, or the assignment ended. */
    public synchronized boolean ack(Fetched f) {
        if (revoked || f.state == Fetched.State.ACKED) {
            return false;
        }
        f.state = Fetched.State.ACKED;
        unacknowledged--;
        return true;
    }

    /** Records held longer than {@code timeoutNanos}, put back to {@code QUEUED} for another worker. */
    synchronized List<Fetched> expired(long nowNanos, long timeoutNanos) {
        List<Fetched> out = new ArrayList<>();
        if (revoked) {
            return out;
        }
        for (Fetched f : pending) {
            if (f.state == Fetched.State.HELD && nowNanos - f.heldSince >= timeoutNanos) {
                f.state = Fetched.State.QUEUED;
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The offset to commit now: the first fetched record not acknowledged, or the one after the
     * last fetched when all are; -1 when that is not beyond the last commit.
     */
    public synchronized long committable() {
        if (revoked) {
            return -1;
        }
        return nextToCommit();
    }

    private long nextToCommit() {
        while (!pending.isEmpty() && pending.peekFirst().state == Fetched.State.ACKED) {
            completedThrough = pending.pollFirst().offset;
        }
        if (completedThrough < 0) {
            return -1;
        }
        long next = pending.isEmpty() ? completedThrough + 1 : pending.peekFirst().offset;
        return next > committed ? next : -1;
    }

    /** Notes a successful commit of {@code offset}. */
    public synchronized void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    /**
     * Ends this assignment: returns the offset that may still be committed for it (-1 when none),
     * after which nothing is taken, acknowledged or committed through this ledger.
     */
    public synchronized long revoke() {
        long last = nextToCommit();
        revoked = true;
        return last;
    }

    public synchronized boolean revoked() {
        return revoked;
    }

    /** Records fetched and not acknowledged: queued or held. */
    public synchronized int unacknowledged() {
        return unacknowledged;
    }
}
