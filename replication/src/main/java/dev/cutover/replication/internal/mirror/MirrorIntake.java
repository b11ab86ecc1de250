package dev.cutover.replication.internal.mirror;

import dev.cutover.replication.Change;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.spi.ChangeQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observe path, run on the application's threads: gate, mapping, offer with backpressure.
 *
 * <p>Design: stateless apart from the shared counters, so any number of observing threads run it
 * at once. The gate is read once per event (a {@code FlagClient} read is a lock-free snapshot
 * read). The mapping runs here, on the observing thread, right after the application handled the
 * event: that is where a version stamp taken in the mapping orders changes as the application
 * made them. Whatever the gate, the mapping or the queue throws is caught, counted and recorded;
 * only virtual-machine errors propagate.
 *
 * @param <E> the event type
 */
final class MirrorIntake<E> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Mirror");

    private final Function<? super E, List<Change>> mapping;
    private final BooleanSupplier gate;
    private final String gateDescription;
    private final ChangeQueue queue;
    private final Duration maxBlock;
    private final MirrorCounters counters;
    private final MirrorFailures failures;
    private final Clock clock;
    private volatile long lastGateError = Long.MIN_VALUE;

    MirrorIntake(MirrorSettings<E> settings, MirrorCounters counters, MirrorFailures failures) {
        this.mapping = settings.mapping();
        this.gate = settings.gate();
        this.gateDescription = settings.gateDescription();
        this.queue = settings.queue();
        this.maxBlock = settings.maxBlock();
        this.counters = counters;
        this.failures = failures;
        this.clock = settings.clock();
    }

    /** Mirrors one event; {@code accepting} is false once the mirror is closing. Never throws. */
    void accept(E event, boolean accepting) {
        try {
            counters.observed.increment();
            if (!gateOpen()) {
                counters.skipped.increment();
                return;
            }
            List<Change> changes = map(event);
            if (changes == null) {
                return;
            }
            for (Change change : changes) {
                if (change == null) {
                    unmapped(event, "the mapping returned a null change");
                } else if (!accepting) {
                    drop(change, MirrorFailure.Reason.CLOSED, "the mirror is closed");
                } else {
                    offer(change);
                }
            }
        } catch (RuntimeException | Error e) {
            MirrorFailures.rethrowIfFatal(e);
            LOG.error(
                    "mirror: observing an event of type {} failed with {}",
                    typeOf(event),
                    e.getClass().getName());
        }
    }

    boolean gateOpen() {
        try {
            return gate.getAsBoolean();
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (lastGateError == Long.MIN_VALUE || now - lastGateError > 1_000_000_000L) {
                lastGateError = now;
                LOG.error(
                        "mirror gate ({}) threw {}; events are not mirrored while it does (counted as skipped)",
                        gateDescription,
                        e.getClass().getName());
            }
            return false;
        }
    }

    private @Nullable List<Change> map(E event) {
        List<Change> changes;
        try {
            changes = mapping.apply(event);
        } catch (RuntimeException | Error e) {
            MirrorFailures.rethrowIfFatal(e);
            unmapped(event, "the mapping threw " + e.getClass().getName());
            return null;
        }
        if (changes == null) {
            unmapped(event, "the mapping returned null");
        }
        return changes;
    }

    private void unmapped(E event, String why) {
        counters.unmapped.increment();
        failures.record(new MirrorFailure(
                null,
                0,
                MirrorFailure.Reason.MAPPING_FAILED,
                why + " for an event of type " + typeOf(event),
                clock.instant()));
    }

    private static String typeOf(@Nullable Object event) {
        return event == null ? "null" : event.getClass().getName();
    }

    private void offer(Change change) {
        counters.pending.incrementAndGet();
        boolean queued = false;
        MirrorFailure.Reason reason = MirrorFailure.Reason.DROPPED_QUEUE_FULL;
        String detail = "the queue stayed full for " + maxBlock.toMillis() + " ms";
        try {
            queued = queue.offer(change, maxBlock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detail = "the observing thread was interrupted while waiting for room in the queue";
        } catch (Exception e) {
            reason = MirrorFailure.Reason.DROPPED_QUEUE_ERROR;
            detail = "the queue threw " + MirrorApplier.describe(e);
        } finally {
            if (queued) {
                counters.mirrored.increment();
            } else {
                counters.pending.decrementAndGet();
            }
        }
        if (!queued) {
            drop(change, reason, detail);
        }
    }

    private void drop(Change change, MirrorFailure.Reason reason, String detail) {
        counters.dropped.increment();
        failures.record(change, reason, detail);
    }
}
