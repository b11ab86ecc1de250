package dev.cutover.replication.postgres;

import dev.cutover.replication.spi.ShardCheckpointStore;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * A checkpoint store that, once frozen, refuses every checkpoint write with an exception (a store
 * that is down): the capture goes on applying, but its stored offset stays where it was. Fault
 * injection for the restart test; everything else goes to the real store.
 */
final class FreezableCheckpoints implements ShardCheckpointStore {
    private final ShardCheckpointStore store;
    private volatile boolean frozen;

    FreezableCheckpoints(ShardCheckpointStore store) {
        this.store = store;
    }

    void freeze() {
        frozen = true;
    }

    @Override
    public Optional<Checkpoint> lease(Shard shard, String owner, Instant now, Instant until) throws Exception {
        return store.lease(shard, owner, now, until);
    }

    @Override
    public boolean checkpoint(Shard shard, String owner, String sequenceNumber, Instant until) throws Exception {
        if (frozen) {
            throw new SQLException("checkpoint store down (frozen by the test)");
        }
        return store.checkpoint(shard, owner, sequenceNumber, until);
    }

    @Override
    public boolean finish(Shard shard, String owner) throws Exception {
        return store.finish(shard, owner);
    }

    @Override
    public void release(Shard shard, String owner) throws Exception {
        store.release(shard, owner);
    }

    @Override
    public Optional<Checkpoint> read(Shard shard) throws Exception {
        return store.read(shard);
    }
}
