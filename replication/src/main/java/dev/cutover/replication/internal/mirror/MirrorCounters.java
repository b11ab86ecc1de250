package dev.cutover.replication.internal.mirror;

import dev.cutover.replication.spi.ApplyOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * A mirror's counters, and the hook through which a metrics binder records apply latency without
 * this class knowing Micrometer.
 *
 * <p>Design: {@link LongAdder}s, written by many observing threads and a few workers without
 * contention. {@code pending} is one {@link AtomicLong} because {@link
 * dev.cutover.replication.Mirror#awaitQuiet} must never see zero while a change is on
 * its way: it is raised before a change is offered and lowered only once the change settled (or
 * the offer failed), so the sum can only read zero when nothing is in flight.
 */
public final class MirrorCounters {
    final LongAdder observed = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder unmapped = new LongAdder();
    final LongAdder mirrored = new LongAdder();
    final LongAdder applied = new LongAdder();
    final LongAdder superseded = new LongAdder();
    final LongAdder duplicate = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder failed = new LongAdder();
    final AtomicLong pending = new AtomicLong();
    private final List<LongConsumer> latencySinks = new CopyOnWriteArrayList<>();

    /** Adds a consumer of apply latencies in nanoseconds, one call per batch applied. */
    public void addLatencySink(LongConsumer sink) {
        latencySinks.add(sink);
    }

    void latency(long nanos) {
        for (LongConsumer sink : latencySinks) {
            sink.accept(nanos);
        }
    }

    void outcome(ApplyOutcome outcome) {
        switch (outcome) {
            case APPLIED -> applied.increment();
            case SUPERSEDED -> superseded.increment();
            case DUPLICATE -> duplicate.increment();
        }
    }

    public long observed() {
        return observed.sum();
    }

    public long skipped() {
        return skipped.sum();
    }

    public long unmapped() {
        return unmapped.sum();
    }

    public long mirrored() {
        return mirrored.sum();
    }

    public long applied() {
        return applied.sum();
    }

    public long superseded() {
        return superseded.sum();
    }

    public long duplicate() {
        return duplicate.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long pending() {
        return pending.get();
    }
}
