package dev.cutover.replication.reconcile;

import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import java.time.Duration;
import java.util.Optional;

/** A real checkpoint store that counts claims and fails every claim after the {@code allowed}-th, as a stopped process. */
final class CountingClaims extends ForwardingCheckpoints {
    private final int allowed;
    int claims;

    CountingClaims(CheckpointStore store, int allowed) {
        super(store);
        this.allowed = allowed;
    }

    @Override
    public synchronized Optional<CheckpointClaim> claim(int segment, String owner, Duration lease) throws Exception {
        if (claims >= allowed) {
            throw new IllegalStateException("the process stopped");
        }
        claims++;
        return store.claim(segment, owner, lease);
    }
}
