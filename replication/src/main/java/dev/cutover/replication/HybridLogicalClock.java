package dev.cutover.replication;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Versions for stores that keep none: a hybrid logical clock. A stamp is the wall clock in
 * milliseconds shifted left by {@value #LOGICAL_BITS} bits, plus a counter for stamps within the
 * same millisecond. Stamps from one clock strictly increase, even when the wall clock steps back;
 * {@link #observe} folds in a stamp seen elsewhere (another process's, or a stored version), so a
 * change stamped after it is newer.
 *
 * <pre>{@code
 * HybridLogicalClock clock = new HybridLogicalClock();
 * Change change = Change.upsert(order.id(), clock.next(), mapper.valueToTree(order));
 * }</pre>
 *
 * <p><b>When to use it.</b> Prefer a version the source already has: an event's sequence number,
 * a row version column, a DynamoDB stream record's sequence number. A clock only orders changes as
 * the stamping processes saw them: two processes writing the same key within their clock skew may
 * order those writes differently from the old store, so stamp where the write is serialized (the
 * dual-write proxy's caller, after the authoritative write returned, or the single observer), and
 * keep clocks synchronized (NTP). Thread-safe and lock-free.
 *
 * @since 0.1.0
 */
public final class HybridLogicalClock {
    /** Bits of the logical counter: 65,536 stamps per millisecond before the clock runs ahead. */
    public static final int LOGICAL_BITS = 16;

    private final Clock wall;
    private final AtomicLong last = new AtomicLong();

    /** A clock on the system's UTC wall clock. */
    public HybridLogicalClock() {
        this(Clock.systemUTC());
    }

    /** A clock on {@code wall}, for tests. */
    public HybridLogicalClock(Clock wall) {
        this.wall = Objects.requireNonNull(wall, "wall");
    }

    /** A stamp greater than every stamp this clock issued or observed before. */
    public long next() {
        long physical = wall.millis() << LOGICAL_BITS;
        return last.accumulateAndGet(physical, (previous, now) -> Math.max(previous + 1, now));
    }

    /** Folds in a stamp seen elsewhere, so that the next stamp is greater than it. */
    public void observe(long stamp) {
        last.accumulateAndGet(stamp, Math::max);
    }

    /** The wall-clock instant a stamp was issued at, to the millisecond. */
    public static Instant instantOf(long stamp) {
        return Instant.ofEpochMilli(stamp >>> LOGICAL_BITS);
    }
}
