package dev.cutover.replication.reconcile;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryForwardingTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import java.util.List;
import java.util.Set;

/** An in-memory target that refuses, as bad data, every batch holding one of the given keys. */
final class RefusingTarget extends InMemoryForwardingTarget {
    private final Set<String> refused;

    RefusingTarget(Set<String> refused) {
        this.refused = refused;
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) {
        if (changes.stream().anyMatch(c -> refused.contains(c.key()))) {
            throw new IllegalArgumentException("refused");
        }
        return store.apply(changes);
    }

    @Override
    public String describe() {
        return "refusing " + store.describe();
    }
}
