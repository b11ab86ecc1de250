package dev.cutover.replication.mirror;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryForwardingTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory target ({@link #store}) with faults in front of its applies; reads are never faulty:
 * they serve the checks.
 *
 * <p>Faults on cue: the next n applies fail (transiently), keys it refuses (as a store refuses bad
 * data), and a gate that holds every apply until opened.
 *
 * <p>Faults at random ({@link #atRandom}), for the chaos properties: a target that absorbs little
 * and fails often. Every apply costs {@code applyMicros}; while {@link #down} is set every apply
 * throws; otherwise an apply throws a transient error after landing a random part of its batch (the
 * contract allows any subset), refuses the whole batch as bad data (the mirror then applies it
 * change by change), or stalls for {@code stallMillis} before landing.
 *
 * <p>{@link #calm} turns every fault off, for the repair that follows the traffic.
 */
final class ScriptedTarget extends InMemoryForwardingTarget {
    /** The rates and costs of the faults at random. */
    private record RandomFaults(
            double throwRate, double refuseRate, double stallRate, long applyMicros, long stallMillis) {}

    final AtomicInteger failNext = new AtomicInteger();
    final AtomicInteger applyCalls = new AtomicInteger();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final CountDownLatch entered = new CountDownLatch(1);
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicBoolean calm = new AtomicBoolean();
    private volatile @Nullable CountDownLatch hold;
    private final @Nullable RandomFaults random;

    /** A target with faults on cue only. */
    ScriptedTarget() {
        this(null);
    }

    private ScriptedTarget(@Nullable RandomFaults random) {
        this.random = random;
    }

    /** A target with faults at random, at these rates (each a fraction of the applies). */
    static ScriptedTarget atRandom(
            double throwRate, double refuseRate, double stallRate, long applyMicros, long stallMillis) {
        return new ScriptedTarget(new RandomFaults(throwRate, refuseRate, stallRate, applyMicros, stallMillis));
    }

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
        if (calm.get()) {
            return store.apply(changes);
        }
        applyCalls.incrementAndGet();
        entered.countDown();
        CountDownLatch h = hold;
        if (h != null) {
            h.await();
        }
        RandomFaults faults = random;
        if (faults != null) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(faults.applyMicros()));
        }
        if (down.get()) {
            throw new SQLTransientConnectionException("the target is down", "08006");
        }
        if (faults != null) {
            randomFault(faults, changes);
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

    /** Throws after landing part of the batch, refuses it, stalls, or does nothing, at the rates. */
    private void randomFault(RandomFaults faults, List<Change> changes) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        double r = random.nextDouble();
        if (r < faults.throwRate()) {
            store.apply(changes.subList(0, random.nextInt(changes.size() + 1)));
            throw new SQLTransientConnectionException("connection lost mid-batch", "08006");
        }
        if (r < faults.throwRate() + faults.refuseRate()) {
            throw new IllegalArgumentException("refused");
        }
        if (r < faults.throwRate() + faults.refuseRate() + faults.stallRate()) {
            Thread.sleep(faults.stallMillis());
        }
    }

    @Override
    public String describe() {
        return (random == null ? "scripted " : "chaos ") + store.describe();
    }
}
