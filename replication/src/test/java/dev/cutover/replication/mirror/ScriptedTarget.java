package dev.cutover.replication.mirror;

import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.Change;
import dev.cutover.replication.ForwardingTarget;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory target with faults on cue: the next n applies fail (transiently), keys it refuses
 * (as a store refuses bad data), and a gate that holds every apply until opened.
 */
final class ScriptedTarget extends ForwardingTarget {
  final AtomicInteger failNext = new AtomicInteger();
  final AtomicInteger applyCalls = new AtomicInteger();
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  private volatile @Nullable CountDownLatch hold;
  final CountDownLatch entered = new CountDownLatch(1);

  /** Every apply waits until {@link #release()}; returns this. */
  ScriptedTarget holdApplies() {
    hold = new CountDownLatch(1);
    return this;
  }

  void release() {
    CountDownLatch h = hold;
    if (h != null) {
      h.countDown();
    }
  }

  @Override
  public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
    applyCalls.incrementAndGet();
    entered.countDown();
    CountDownLatch h = hold;
    if (h != null) {
      h.await();
    }
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new SQLTransientConnectionException("scripted transient failure", "08006");
    }
    for (Change c : changes) {
      if (refused.contains(c.key())) {
        throw new IllegalArgumentException("scripted refusal");
      }
    }
    return store.apply(changes);
  }

  @Override
  public String describe() {
    return "scripted " + store.describe();
  }
}
