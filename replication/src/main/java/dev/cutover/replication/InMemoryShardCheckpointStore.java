package dev.cutover.replication;

import dev.cutover.replication.spi.ShardCheckpointStore;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ShardCheckpointStore} in memory: for one process, and for tests. Its checkpoints die
 * with the process, so a new process reads its shards again from the start of the stream (24
 * hours at most), which the versioned apply absorbs.
 *
 * <pre>{@code
 * ShardCheckpointStore checkpoints = new InMemoryShardCheckpointStore();
 * }</pre>
 *
 * <p>Design: one concurrent map of immutable checkpoints; each method is one atomic {@code
 * compute} on its shard's entry, the in-memory equivalent of the conditional write the contract
 * asks for, so racing readers see exactly one winner. Thread-safe, lock-free across shards.
 *
 * @since 0.1.0
 */
public final class InMemoryShardCheckpointStore implements ShardCheckpointStore {
    private final Map<Shard, Checkpoint> shards = new ConcurrentHashMap<>();

    @Override
    public Optional<Checkpoint> lease(Shard shard, String owner, Instant now, Instant until) {
        Objects.requireNonNull(owner, "owner");
        Checkpoint[] granted = new Checkpoint[1];
        shards.compute(shard, (s, c) -> {
            if (c == null) {
                return granted[0] = new Checkpoint(null, false, owner, until);
            }
            if (c.owner() == null || owner.equals(c.owner()) || c.leaseUntil().isBefore(now)) {
                return granted[0] = new Checkpoint(c.sequenceNumber(), c.finished(), owner, until);
            }
            return c;
        });
        return Optional.ofNullable(granted[0]);
    }

    @Override
    public boolean checkpoint(Shard shard, String owner, String sequenceNumber, Instant until) {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        return update(shard, owner, c -> new Checkpoint(sequenceNumber, c.finished(), owner, until));
    }

    @Override
    public boolean finish(Shard shard, String owner) {
        return update(shard, owner, c -> new Checkpoint(c.sequenceNumber(), true, owner, c.leaseUntil()));
    }

    @Override
    public void release(Shard shard, String owner) {
        update(shard, owner, c -> new Checkpoint(c.sequenceNumber(), c.finished(), null, Instant.EPOCH));
    }

    private boolean update(Shard shard, String owner, java.util.function.UnaryOperator<Checkpoint> change) {
        boolean[] done = new boolean[1];
        shards.computeIfPresent(shard, (s, c) -> {
            if (!owner.equals(c.owner())) {
                return c;
            }
            done[0] = true;
            return change.apply(c);
        });
        return done[0];
    }

    @Override
    public Optional<Checkpoint> read(Shard shard) {
        return Optional.ofNullable(shards.get(Objects.requireNonNull(shard, "shard")));
    }
}
