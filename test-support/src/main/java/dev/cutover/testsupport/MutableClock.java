package dev.cutover.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock at millisecond precision, in UTC, that stands still until a test moves it, forward or
 * back: leases expire, staleness grows and scheduled changes come due on demand, without waiting.
 * Thread-safe.
 *
 * <pre>{@code
 * MutableClock clock = new MutableClock();
 * CheckpointStore store = new InMemoryCheckpointStore(clock);
 * clock.advance(Duration.ofSeconds(11));   // every lease of 10 s has expired
 * }</pre>
 */
public final class MutableClock extends Clock {
    private final AtomicLong millis;

    /** A clock standing at 2026-01-01T00:00:00Z. */
    public MutableClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** A clock standing at {@code start}, cut to the millisecond. */
    public MutableClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** Moves the clock by {@code by} (to the millisecond); back when {@code by} is negative. */
    public void advance(Duration by) {
        millis.addAndGet(by.toMillis());
    }

    /** Sets the clock to {@code instant}, cut to the millisecond. */
    public void set(Instant instant) {
        millis.set(instant.toEpochMilli());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock: it stays in UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
