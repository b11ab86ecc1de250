package dev.cutover.replication.reconcile;

import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A real checkpoint store that counts claims and fails every claim after the {@code allowed}-th, as a stopped process. */
final class CountingClaims implements CheckpointStore {
    private final CheckpointStore store;
    private final int allowed;
    int claims;

    CountingClaims(CheckpointStore store, int allowed) {
        this.store = store;
        this.allowed = allowed;
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
    public synchronized Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) throws Exception {
        if (claims >= allowed) {
            throw new IllegalStateException("the process stopped");
        }
        claims++;
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
