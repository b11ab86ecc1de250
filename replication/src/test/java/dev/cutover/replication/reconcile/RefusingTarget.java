package dev.cutover.replication.reconcile;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** An in-memory target that refuses, as bad data, every batch holding one of the given keys. */
final class RefusingTarget implements VersionedTarget {
  final InMemoryVersionedTarget store = new InMemoryVersionedTarget();
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
  public Optional<Change> read(String key) {
    return store.read(key);
  }

  @Override
  public long purgeTombstones(Instant appliedBefore) {
    return store.purgeTombstones(appliedBefore);
  }

  @Override
  public int segments() {
    return store.segments();
  }

  @Override
  public Page readPage(int segment, @Nullable String token, int limit) {
    return store.readPage(segment, token, limit);
  }

  @Override
  public String describe() {
    return "refusing " + store.describe();
  }
}
