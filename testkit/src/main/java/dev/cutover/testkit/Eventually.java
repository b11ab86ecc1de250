package dev.cutover.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits in tests for something asynchronous (a push applied, a status change) without sleeping a
 * fixed time: the condition is checked every 5 ms until it holds or the deadline passes.
 *
 * <pre>{@code
 * Eventually.within(Duration.ofSeconds(5), "push applied", () -> !flags.booleanValue("switch", true));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Eventually {
    private static final long CHECK_NANOS = 5_000_000L;

    private Eventually() {}

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @param deadline how long to wait at most
     * @param what what is awaited, for the failure message
     * @throws AssertionError naming {@code what} and the deadline when it did not hold in time
     */
    public static void within(Duration deadline, String what, BooleanSupplier condition) {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(condition, "condition");
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what);
            }
            LockSupport.parkNanos(CHECK_NANOS);
        }
    }
}
