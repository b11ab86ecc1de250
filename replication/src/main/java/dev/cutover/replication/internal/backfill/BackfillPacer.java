package dev.cutover.replication.internal.backfill;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Paces the workers to a rate in rows per second through a Resilience4j {@link RateLimiter}, shared
 * by all workers of a backfill: each page reserves one permit per row before it is applied. A
 * reservation is taken in slices of at most one refresh period's permits (so any page size works
 * with any limiter), and the wait for it checks every 50 ms whether the run is stopping.
 */
public final class BackfillPacer {
    private static final long CHECK_NANOS = 50_000_000L;

    private final @Nullable RateLimiter limiter;

    BackfillPacer(@Nullable RateLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * A limiter of {@code rowsPerSecond}: refreshed 20 times a second (or once per row below 20 rows
     * per second), so a burst after a pause is at most a twentieth of a second's rows.
     */
    public static RateLimiter limiter(String name, double rowsPerSecond) {
        int perPeriod = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.floor(rowsPerSecond / 20)));
        long periodNanos = Math.max(1, Math.round(perPeriod * 1e9 / rowsPerSecond));
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitForPeriod(perPeriod)
                .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                .timeoutDuration(Duration.ofDays(1))
                .build();
        return RateLimiter.of(name, config);
    }

    /** Rows per second a limiter allows. */
    public static double rowsPerSecond(RateLimiter limiter) {
        RateLimiterConfig c = limiter.getRateLimiterConfig();
        return c.getLimitForPeriod() * 1e9 / c.getLimitRefreshPeriod().toNanos();
    }

    /**
     * Waits until {@code rows} permits are granted; false when the run began stopping first.
     *
     * @throws InterruptedException when the thread was interrupted while waiting
     */
    boolean acquire(int rows, BooleanSupplier stopping) throws InterruptedException {
        if (limiter == null) {
            return true;
        }
        int slice = Math.max(1, limiter.getRateLimiterConfig().getLimitForPeriod());
        for (int left = rows; left > 0; ) {
            int permits = Math.min(left, slice);
            long wait = limiter.reservePermission(permits);
            if (wait < 0) {
                // not grantable within the limiter's own timeout: look again after one refresh period
                wait = Math.min(
                        CHECK_NANOS,
                        limiter.getRateLimiterConfig().getLimitRefreshPeriod().toNanos());
            } else {
                left -= permits;
            }
            if (!park(wait, stopping)) {
                return false;
            }
        }
        return true;
    }

    private static boolean park(long nanos, BooleanSupplier stopping) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (long remaining = nanos; remaining > 0; remaining = deadline - System.nanoTime()) {
            if (stopping.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(Math.min(remaining, CHECK_NANOS));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the backfill's rate limit");
            }
        }
        return !stopping.getAsBoolean();
    }
}
