package dev.cutover.replication.reconcile;

import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real checkpoint store as one process of two sees it when the ranges are split between them up
 * front: it is offered only the ranges of its parity (even or odd), and waits for the others.
 */
final class OnlyMyHalf implements CheckpointStore {
    private final CheckpointStore store;
    private final int parity;

    OnlyMyHalf(CheckpointStore store, int parity) {
        this.store = store;
        this.parity = parity;
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
        return store.claimable(owner, 100_000).stream()
                .filter(s -> s % 2 == parity)
                .limit(limit)
                .toList();
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
