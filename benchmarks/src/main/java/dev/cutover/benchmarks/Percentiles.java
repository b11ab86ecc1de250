package dev.cutover.benchmarks;

/** The one percentile the benchmark programs report: nearest rank, over every sample. */
public final class Percentiles {
    private Percentiles() {}

    /**
     * The nearest-rank percentile of sorted samples: the smallest sample such that at least {@code
     * fraction} of the samples are at most it; the first sample for a fraction of 0.
     *
     * @param sorted the samples in ascending order; not empty
     * @param fraction the percentile as a fraction, 0.5 for the median, 1 for the maximum
     * @return the sample at that rank
     */
    public static long nearestRank(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
