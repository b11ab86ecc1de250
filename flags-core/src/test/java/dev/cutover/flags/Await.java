package dev.cutover.flags;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits on a condition with a deadline, checking often; fails the test at the deadline. */
final class Await {
    private Await() {}

    static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
        }
    }
}
