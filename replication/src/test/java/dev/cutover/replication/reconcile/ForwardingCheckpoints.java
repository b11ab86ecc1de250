package dev.cutover.replication.reconcile;

import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A real checkpoint store seen through a wrapper that tests override a method of. */
class ForwardingCheckpoints implements CheckpointStore {
    final CheckpointStore store;

    ForwardingCheckpoints(CheckpointStore store) {
        this.store = store;
    }

    @Override
    public void prepare(int segments, String layout) throws Exception {
        store.prepare(segments, layout);
    }

    @Override
    public Optional<String> layout() throws Exception {
        return store.layout();
    }

    @Override
    public List<Integer> claimable(String owner, int limit) throws Exception {
        return store.claimable(owner, limit);
    }

    @Override
    public Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) throws Exception {
        return store.claim(segment, owner, lease);
    }

    @Override
    public boolean save(CheckpointClaim claim, String token, long rows, Duration lease) throws Exception {
        return store.save(claim, token, rows, lease);
    }

    @Override
    public boolean markDone(CheckpointClaim claim, long rows) throws Exception {
        return store.markDone(claim, rows);
    }

    @Override
    public void release(CheckpointClaim claim) throws Exception {
        store.release(claim);
    }

    @Override
    public List<Checkpoint> checkpoints() throws Exception {
        return store.checkpoints();
    }

    @Override
    public String describe() {
        return store.describe();
    }
}
