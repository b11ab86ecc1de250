package dev.cutover.replication;

import dev.cutover.replication.metrics.BackfillMetrics;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How far a running backfill has got, as this process sees it: given to {@link
 * BackfillListener#onProgress} after every page, logged every 30 seconds, and read by {@link
 * BackfillMetrics}.
 *
 * <pre>{@code
 * .listener(new BackfillListener() {
 *   public void onProgress(BackfillProgress p) {
 *     status.set(p.segmentsDone() + "/" + p.segmentsTotal() + " segments, ETA " + p.eta());
 *   }
 * })
 * }</pre>
 *
 * @param counts this process's counts since the run started
 * @param segmentsDone segments done by any process, as last seen (refreshed when this process
 *     finishes a segment or looks for one)
 * @param segmentsTotal the source's segments
 * @param elapsed time since the run started
 * @param rowsPerSecond rows this process read per second since the run started
 * @param eta estimated time until every segment is done, or null while there is no basis for one:
 *     from the rows left when the row count is known ({@link BackfillBuilder#estimatedRows}, or a
 *     source implementing {@link BackfillRowEstimate}), else from the segments left at the pace
 *     segments were done so far. Counts only this process's pace, so with several processes it is
 *     an upper bound
 * @since 0.1.0
 */
public record BackfillProgress(
        BackfillCounts counts,
        int segmentsDone,
        int segmentsTotal,
        Duration elapsed,
        double rowsPerSecond,
        @Nullable Duration eta) {
    public BackfillProgress {
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
