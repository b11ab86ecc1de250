package dev.cutover.benchmarks.replication;

import dev.cutover.benchmarks.replication.ReplicationThroughput.Count;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What every measurement's rounds share: the order of their steps, their counts, and their log lines. */
final class Rounds {
    private Rounds() {}

    /**
     * Runs the steps of round {@code r} in an order rotated by {@code r}, so that a slow stretch of
     * the machine does not hit one system only.
     */
    static void runRotated(List<Runnable> steps, int r) {
        Collections.rotate(steps, r);
        steps.forEach(Runnable::run);
    }

    /** Keeps a count, or throws when it is not the expected one: a run that measured nothing cannot report a rate. */
    static void check(Map<Count, Long> counts, Count what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException(what + ": counted " + actual + ", expected " + expected);
        }
        counts.put(what, actual);
    }

    /** Round {@code r} (from 0) as the log names it. */
    static String round(int r) {
        return "round " + (r + 1);
    }

    /** A rate and the seconds behind it, as the log shows them. */
    static String rate(long units, double seconds) {
        return String.format(Locale.ROOT, "%,.0f/s (%.2f s)", units / seconds, seconds);
    }

    /** Seconds since {@code t0}, a {@link System#nanoTime()}. */
    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Work that may throw. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** The step as a {@link Runnable} that throws what it throws, checked exceptions wrapped. */
    static Runnable unchecked(Step step) {
        return () -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
