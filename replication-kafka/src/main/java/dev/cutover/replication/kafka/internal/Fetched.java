package dev.cutover.replication.kafka.internal;

import dev.cutover.replication.Change;
import org.jspecify.annotations.Nullable;

/**
 * One record this consumer fetched, from the fetch until its offset is committed: its change (none
 * for a refused record) and where it is. Its state is guarded by its {@link PartitionLedger}.
 */
public final class Fetched {
    enum State {
        /** In the ready buffer, waiting for a worker. */
        QUEUED,
        /** Handed to a worker, not acknowledged yet. */
        HELD,
        /** Acknowledged (or refused and recorded): its offset may be committed. */
        ACKED
    }

    final PartitionLedger ledger;
    final long offset;
    private final @Nullable Change change;
    State state = State.QUEUED;
    long heldSince;

    Fetched(PartitionLedger ledger, long offset, @Nullable Change change) {
        this.ledger = ledger;
        this.offset = offset;
        this.change = change;
    }

    /** The change; only for records that are changes. */
    public Change change() {
        if (change == null) {
            throw new IllegalStateException("record " + position() + " is not a change");
        }
        return change;
    }

    /** {@code topic-partition@offset}. */
    public String position() {
        return ledger.partition() + "@" + offset;
    }

    @Override
    public String toString() {
        return "Fetched[" + position() + "]";
    }
}
