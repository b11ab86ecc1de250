package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Watches the reads of every service around one scheduled flip and measures whether the fleet
 * switched in unison: which table answered each read (the authoritative side of the stage the
 * call was pinned to), when the read started and when it ended.
 *
 * <p>A read that started at or after {@code effectiveAt} must have been answered by the new
 * stage's table, and one that ended before it by the old stage's; a read that straddles the instant
 * may be either (its stage was read somewhere in between) and is not judged. Times are wall-clock
 * milliseconds, the clock and resolution the flag client compares {@code effectiveAt} with.
 * Thread-safe: every service records its own reads.
 */
final class FlipWatch {

    /**
     * How one flip went.
     *
     * @param from the stage before
     * @param to the stage after
     * @param effectiveAt the instant every service was to switch at
     * @param lead how long before {@code effectiveAt} the flip was published
     * @param heldBefore how long before {@code effectiveAt} the last service had the scheduled flip
     *     in its snapshot (negative: after it, too late)
     * @param agreedWithin the longest time from {@code effectiveAt} to a service's first read on the
     *     new stage, or null when a service never read on it
     * @param servicesAgreed services that read on the new stage after the instant
     * @param services services in the fleet
     * @param readsAfter reads started after the instant
     * @param lateReads reads started after the instant and answered by the previous stage's table
     * @param earlyReads reads ended before the instant and answered by the new stage's table
     */
    record Result(
            Stage from,
            Stage to,
            Instant effectiveAt,
            Duration lead,
            Duration heldBefore,
            @Nullable Duration agreedWithin,
            int servicesAgreed,
            int services,
            long readsAfter,
            long lateReads,
            long earlyReads) {

        /** Every service held the flip in time, read on the new stage, and none read a mixed stage. */
        boolean unison() {
            return !heldBefore.isNegative() && servicesAgreed == services && lateReads == 0 && earlyReads == 0;
        }
    }

    private final int services;
    private volatile @Nullable Armed armed;

    private record Armed(
            Stage from,
            Stage to,
            long atMillis,
            long armedMillis,
            AtomicLongArray firstRead,
            AtomicLongArray anyRead,
            LongAdder after,
            LongAdder late,
            LongAdder early) {}

    FlipWatch(int services) {
        this.services = services;
    }

    /** Starts watching a flip from {@code from} to {@code to} at {@code effectiveAt}, about to be published. */
    void arm(Stage from, Stage to, Instant effectiveAt) {
        AtomicLongArray firstRead = new AtomicLongArray(services);
        for (int i = 0; i < services; i++) {
            firstRead.set(i, Long.MAX_VALUE);
        }
        armed = new Armed(
                from,
                to,
                effectiveAt.toEpochMilli(),
                System.currentTimeMillis(),
                firstRead,
                new AtomicLongArray(services),
                new LongAdder(),
                new LongAdder(),
                new LongAdder());
    }

    /** Whether every service has read since the armed flip's instant, on either stage. */
    boolean everyServiceReadAfter() {
        Armed a = armed;
        if (a == null) {
            return false;
        }
        for (int i = 0; i < services; i++) {
            if (a.anyRead.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Records one read of {@code service}, answered by {@code side}. */
    void read(int service, long startMillis, long endMillis, Side side) {
        Armed a = armed;
        if (a == null) {
            return;
        }
        Side before = a.from.authoritative();
        Side after = a.to.authoritative();
        if (startMillis >= a.atMillis) {
            a.after.increment();
            a.anyRead.set(service, 1);
            if (side == after) {
                a.firstRead.accumulateAndGet(service, startMillis, Math::min);
            } else {
                a.late.increment();
            }
        } else if (endMillis < a.atMillis && side == after && before != after) {
            a.early.increment();
        }
    }

    /** The result of the armed flip; {@code heldAt} is when the last service had it in its snapshot. */
    Result result(Instant heldAt) {
        Armed a = armed;
        if (a == null) {
            throw new IllegalStateException("no flip is being watched");
        }
        int agreed = 0;
        long slowest = 0;
        for (int i = 0; i < services; i++) {
            long first = a.firstRead.get(i);
            if (first != Long.MAX_VALUE) {
                agreed++;
                slowest = Math.max(slowest, first - a.atMillis);
            }
        }
        Instant at = Instant.ofEpochMilli(a.atMillis);
        return new Result(
                a.from,
                a.to,
                at,
                Duration.ofMillis(a.atMillis - a.armedMillis),
                Duration.between(heldAt, at),
                agreed == services ? Duration.ofMillis(slowest) : null,
                agreed,
                services,
                a.after.sum(),
                a.late.sum(),
                a.early.sum());
    }
}
