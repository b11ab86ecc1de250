package dev.cutover.replication.internal.mirror;

import java.time.Duration;
import java.util.List;

/** Joining a mirror's worker threads within a deadline. */
final class MirrorThreads {
    private MirrorThreads() {}

    /** Waits until every thread ended or {@code timeout} passed; returns whether all ended. */
    static boolean join(List<Thread> threads, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            for (Thread t : threads) {
                while (t.isAlive()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        t.join(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
