package dev.cutover.benchmarks.flip;

import dev.cutover.benchmarks.Percentiles;
import dev.cutover.flags.FlagClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The measurement both flip-propagation programs run, whatever the store: the writer flips the
 * boolean flag {@value #FLAG}; the clock starts when {@code put} returns (the write is committed)
 * and the main thread then reads {@code booleanValue} of every client, parking 50 µs between
 * rounds, until each serves the new value. What is measured is the value an evaluation returns,
 * not the delivery of an event; the propagation time of a flip is that of the last instance to
 * serve it. A flip that some instance has not served within 1.1 poll intervals plus 10 s is missed.
 */
final class FlipHarness {

    /** The one flag of a run. */
    static final String FLAG = "flip";

    private static final long SPIN_PARK_NANOS = 50_000;

    private FlipHarness() {}

    /**
     * Writes {@code warmupFlips} and then {@code flips} measured flips, waits {@code pause} after each
     * has reached every instance, and times how each reaches every instance; logs a line per flip.
     */
    static FlipTimes flips(Fleet<?> fleet, Writer writer, int flips, int warmupFlips, Duration pause, PrintStream log)
            throws Exception {
        int n = fleet.size();
        long deadline = fleet.pollInterval.toNanos()
                + fleet.pollInterval.toNanos() / 10
                + Duration.ofSeconds(10).toNanos();
        long[] last = new long[flips];
        long[] each = new long[flips * n];
        long[] puts = new long[flips];
        long[] applied = new long[n];
        int total = warmupFlips + flips;
        for (int i = 0; i < total; i++) {
            long beforePut = System.nanoTime();
            boolean value = writer.flip();
            long t0 = System.nanoTime();
            awaitEverywhere(fleet.clients, value, t0, deadline, applied);
            long slowest = slowest(applied);
            boolean warmup = i < warmupFlips;
            if (!warmup) {
                int k = i - warmupFlips;
                last[k] = slowest;
                puts[k] = t0 - beforePut;
                System.arraycopy(applied, 0, each, k * n, n);
            }
            long[] sorted = applied.clone();
            Arrays.sort(sorted);
            log.printf(
                    Locale.ROOT,
                    "%s flip %3d/%d -> %-5s put %6.2f ms  first %8.2f ms  median %8.2f ms  last %s%s%n",
                    fleet.name(),
                    i + 1,
                    total,
                    value,
                    (t0 - beforePut) / 1e6,
                    sorted[0] / 1e6,
                    sorted[(n - 1) / 2] / 1e6,
                    slowest < 0
                            ? "MISSED by "
                                    + Arrays.stream(applied).filter(a -> a < 0).count() + " instances"
                            : String.format(Locale.ROOT, "%8.2f ms", slowest / 1e6),
                    warmup ? "  (warm-up)" : "");
            LockSupport.parkNanos(pause.toNanos());
        }
        return new FlipTimes(last, each, puts, total);
    }

    /**
     * Reads every client until each serves {@code value} or the deadline passes; {@code applied[j]}
     * is when client {@code j} first served it, in ns after {@code t0}, or -1.
     */
    static void awaitEverywhere(List<FlagClient> clients, boolean value, long t0, long deadlineNanos, long[] applied) {
        Arrays.fill(applied, -1);
        int left = clients.size();
        while (true) {
            for (int j = 0; j < applied.length; j++) {
                if (applied[j] < 0 && clients.get(j).booleanValue(FLAG, !value) == value) {
                    applied[j] = System.nanoTime() - t0;
                    left--;
                }
            }
            if (left == 0 || System.nanoTime() - t0 > deadlineNanos) {
                return;
            }
            LockSupport.parkNanos(SPIN_PARK_NANOS);
        }
    }

    /** The latest time in {@code applied}, or -1 if some instance never served the value. */
    static long slowest(long[] applied) {
        long max = 0;
        for (long a : applied) {
            if (a < 0) {
                return -1;
            }
            max = Math.max(max, a);
        }
        return max;
    }

    /** Nearest-rank percentile (0 to 100), in ms, of the times that are not -1; NaN when none is. */
    static double percentileMillis(long[] nanos, double percentile) {
        long[] served = Arrays.stream(nanos).filter(n -> n >= 0).sorted().toArray();
        if (served.length == 0) {
            return Double.NaN;
        }
        return Percentiles.nearestRank(served, percentile / 100.0) / 1e6;
    }

    /**
     * How long to wait after the instances started before their idle window opens. They started
     * together, so their polls are in step for a while: open the window half a poll interval after
     * the start (at most a quarter window), so that it holds whole intervals.
     */
    static Duration settle(Duration pollInterval, Duration window) {
        Duration settle = pollInterval.dividedBy(2);
        if (settle.compareTo(window.dividedBy(4)) > 0) {
            settle = window.dividedBy(4);
        }
        return settle;
    }

    /** Parks for the whole of {@code d}, however often the park returns early. */
    static void parkFor(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * The timing cells of a detail row: each instance on its own, the last instance timed from the
     * call to {@code put}, and {@code put} itself, each p50 / p99 / max in ms; then the instance-flips
     * served under 1 ms after {@code put} returned, of all. {@code grouped}: with thousands separators.
     */
    static String detailCells(FlipTimes t, boolean grouped) {
        String ms = grouped ? "%,.1f" : "%.1f";
        String three = ms + " / " + ms + " / " + ms;
        String count = grouped ? "%,d" : "%d";
        return String.format(
                Locale.ROOT,
                three + " | " + three + " | " + three + " | " + count + " of " + count,
                t.eachMillis(50),
                t.eachMillis(99),
                t.eachMillis(100),
                t.lastFromPutCallMillis(50),
                t.lastFromPutCallMillis(99),
                t.lastFromPutCallMillis(100),
                t.putMillis(50),
                t.putMillis(99),
                t.putMillis(100),
                t.servedBeforePutReturned(),
                t.eachNanos().length);
    }

    /** A duration as the tables show it: {@code 30 s}, {@code 200 ms} or {@code 1.5 s}. */
    static String seconds(Duration d) {
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1e3);
    }
}
