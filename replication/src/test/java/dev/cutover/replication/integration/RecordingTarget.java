package dev.cutover.replication.integration;

import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A target shared by every writer of a test (the mirror, each backfill process), counting per
 * change (key and version) how often the real target answered {@link ApplyOutcome#APPLIED}: over
 * all paths and processes, a change must take effect at most once. Thread-safe.
 */
final class RecordingTarget implements VersionedTarget {
  private record Version(String key, long version) {}

  private final VersionedTarget target;
  private final ConcurrentHashMap<Version, AtomicInteger> applied = new ConcurrentHashMap<>();

  RecordingTarget(VersionedTarget target) {
    this.target = target;
  }

  @Override
  public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
    List<ApplyOutcome> outcomes = target.apply(changes);
    for (int i = 0; i < changes.size(); i++) {
      if (outcomes.get(i) == ApplyOutcome.APPLIED) {
        Change c = changes.get(i);
        applied.computeIfAbsent(new Version(c.key(), c.version()), v -> new AtomicInteger()).incrementAndGet();
      }
    }
    return outcomes;
  }

  /** The changes (as {@code key@version}) that took effect more than once, with how often. */
  Map<String, Integer> appliedMoreThanOnce() {
    Map<String, Integer> out = new TreeMap<>();
    applied.forEach((v, n) -> {
      if (n.get() > 1) {
        out.put(v.key() + "@" + v.version(), n.get());
      }
    });
    return out;
  }

  /** How many distinct changes took effect. */
  int appliedChanges() {
    return applied.size();
  }

  @Override
  public Optional<Change> read(String key) throws Exception {
    return target.read(key);
  }

  @Override
  public long purgeTombstones(Instant appliedBefore) throws Exception {
    return target.purgeTombstones(appliedBefore);
  }

  @Override
  public int segments() {
    return target.segments();
  }

  @Override
  public String layout() {
    return target.layout();
  }

  @Override
  public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
    return target.readPage(segment, token, limit);
  }

  @Override
  public String describe() {
    return target.describe();
  }
}
