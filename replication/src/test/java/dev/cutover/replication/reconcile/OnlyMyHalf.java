package dev.cutover.replication.reconcile;

import dev.cutover.replication.spi.CheckpointStore;
import java.util.List;

/**
 * A real checkpoint store as one process of two sees it when the ranges are split between them up
 * front: it is offered only the ranges of its parity (even or odd), and waits for the others.
 */
final class OnlyMyHalf extends ForwardingCheckpoints {
    private final int parity;

    OnlyMyHalf(CheckpointStore store, int parity) {
        super(store);
        this.parity = parity;
    }

    @Override
    public List<Integer> claimable(String owner, int limit) throws Exception {
        return store.claimable(owner, 100_000).stream()
                .filter(s -> s % 2 == parity)
                .limit(limit)
                .toList();
    }
}
