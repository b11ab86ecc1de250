package dev.cutover.replication.mirror;

import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.Change;
import dev.cutover.replication.ForwardingTarget;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-memory target that absorbs little and fails often, for the chaos properties: every apply
 * costs {@code applyMicros}; while {@link #down} is set every apply throws; otherwise an apply
 * throws a transient error after landing a random part of its batch (the contract allows any
 * subset), refuses the whole batch as bad data (the mirror then applies it change by change), or
 * stalls for {@code stallMillis} before landing. {@link #calm} turns every fault off, for the
 * repair that follows the traffic. Reads are never faulty: they serve the checks.
 */
final class ChaosTarget extends ForwardingTarget {
  final AtomicBoolean down = new AtomicBoolean();
  final AtomicBoolean calm = new AtomicBoolean();
  private final double throwRate;
  private final double refuseRate;
  private final double stallRate;
  private final long applyMicros;
  private final long stallMillis;

  ChaosTarget(double throwRate, double refuseRate, double stallRate, long applyMicros, long stallMillis) {
    this.throwRate = throwRate;
    this.refuseRate = refuseRate;
    this.stallRate = stallRate;
    this.applyMicros = applyMicros;
    this.stallMillis = stallMillis;
  }

  @Override
  public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
    if (calm.get()) {
      return store.apply(changes);
    }
    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(applyMicros));
    if (down.get()) {
      throw new SQLTransientConnectionException("the target is down", "08006");
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    double r = random.nextDouble();
    if (r < throwRate) {
      store.apply(changes.subList(0, random.nextInt(changes.size() + 1)));
      throw new SQLTransientConnectionException("connection lost mid-batch", "08006");
    }
    if (r < throwRate + refuseRate) {
      throw new IllegalArgumentException("refused");
    }
    if (r < throwRate + refuseRate + stallRate) {
      Thread.sleep(stallMillis);
    }
    return store.apply(changes);
  }

  @Override
  public String describe() {
    return "chaos " + store.describe();
  }
}
