package dev.cutover.examples.analytics;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The app's clock in the example: starts at a fixed instant and moves 137 ms on every reading, so
 * a run's timestamps, and therefore its reports, do not depend on how fast the machine is.
 */
final class SimulatedClock extends Clock {
    private static final long STEP_MILLIS = 137;
    private final AtomicLong millis;

    SimulatedClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.addAndGet(STEP_MILLIS));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulated clock is UTC only, not " + zone);
    }
}
