package dev.cutover.replication.postgres;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link PostgresChangeCapture} has done since it was built: for operators, tests and
 * {@link PostgresCaptureMetrics}.
 *
 * <pre>{@code
 * CaptureCounts counts = capture.counts();
 * log.info("{} captured, {} applied, {} duplicate", counts.captured(), counts.applied(), counts.duplicate());
 * }</pre>
 *
 * <p>{@code captured == applied + superseded + duplicate} once every captured change was applied
 * (they differ only while a batch is being applied or retried).
 *
 * @param captured row changes read from the log and turned into changes
 * @param applied changes the target applied
 * @param superseded changes the target already held a newer version of
 * @param duplicate changes the target already held at the same version (delivered again after a
 *     restart)
 * @param applyFailures applies that threw and were retried
 * @param truncates {@code TRUNCATE}s of captured tables seen in the log: not mirrored (each is
 *     logged at ERROR with its table; run a reconciliation and repair)
 * @param offsetsSaved offsets written to the checkpoint store
 * @param lastCommitTime commit time of the last change applied, or null before the first
 * @since 0.2.0
 */
public record CaptureCounts(
        long captured,
        long applied,
        long superseded,
        long duplicate,
        long applyFailures,
        long truncates,
        long offsetsSaved,
        @Nullable Instant lastCommitTime) {}
