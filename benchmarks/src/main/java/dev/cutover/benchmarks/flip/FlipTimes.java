package dev.cutover.benchmarks.flip;

import java.util.Arrays;

/**
 * The timed flips of one set, as {@link FlipHarness} measured them, the warm-up left out, and their
 * nearest-rank percentiles: what the JDBC and the DynamoDB results share. An instance's time to
 * serve a flip is in ns after {@code put} returned.
 *
 * @param lastNanos per flip, when the last instance served it; -1 if one never did
 * @param eachNanos per flip and instance (the instances of flip 0, then those of flip 1, and so on),
 *     when that instance served it; -1 if it never did
 * @param putNanos per flip, how long {@code put} took
 * @param allFlips flips written, warm-up included: the count behind what the instances sent
 */
public record FlipTimes(long[] lastNanos, long[] eachNanos, long[] putNanos, int allFlips) {

    /**
     * Flips that some instance did not serve before the deadline.
     *
     * @return the count
     */
    public int missedFlips() {
        return (int) Arrays.stream(lastNanos).filter(n -> n < 0).count();
    }

    /**
     * Instance-flip pairs that never showed the new value.
     *
     * @return the count
     */
    public long missedApplications() {
        return Arrays.stream(eachNanos).filter(n -> n < 0).count();
    }

    /**
     * Nearest-rank percentile, in ms, of the last instance's time over the flips every instance served.
     *
     * @param percentile 0 to 100
     * @return ms, or NaN when no flip was served everywhere
     */
    public double lastMillis(double percentile) {
        return FlipHarness.percentileMillis(lastNanos, percentile);
    }

    /**
     * Nearest-rank percentile, in ms, over every instance-flip pair that was served.
     *
     * @param percentile 0 to 100
     * @return ms, or NaN when none was served
     */
    public double eachMillis(double percentile) {
        return FlipHarness.percentileMillis(eachNanos, percentile);
    }

    /**
     * Like {@link #lastMillis}, but timed from the call to {@code put}: includes the write itself.
     *
     * @param percentile 0 to 100
     * @return ms, or NaN when no flip was served everywhere
     */
    public double lastFromPutCallMillis(double percentile) {
        long[] total = new long[lastNanos.length];
        for (int i = 0; i < total.length; i++) {
            total[i] = lastNanos[i] < 0 ? -1 : lastNanos[i] + putNanos[i];
        }
        return FlipHarness.percentileMillis(total, percentile);
    }

    /**
     * Nearest-rank percentile, in ms, of how long {@code put} took.
     *
     * @param percentile 0 to 100
     * @return ms
     */
    public double putMillis(double percentile) {
        return FlipHarness.percentileMillis(putNanos, percentile);
    }

    /**
     * How many instance-flip pairs already served the new value at the first read after {@code
     * put} returned (under 1 ms): the writer thread was descheduled while instances applied it.
     *
     * @return the count
     */
    public long servedBeforePutReturned() {
        return Arrays.stream(eachNanos).filter(n -> n >= 0 && n < 1_000_000).count();
    }
}
