package dev.cutover.replication;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link Backfill#run()} did: its end, this process's counts, every rejection and
 * collision (up to {@value #MAX_REPORTED} of each; the counts are always exact), and how long it
 * took.
 *
 * <pre>{@code
 * BackfillResult result = backfill.run();
 * if (result.counts().rejected() > 0 || result.counts().collisions() > 0) {
 *   result.rejections().forEach(r -> log.warn("not copied: {} ({}: {})", r.key(), r.step(), r.reason()));
 * }
 * }</pre>
 *
 * @param status how the run ended
 * @param counts what this process did in the run
 * @param segmentsDone segments done by any process when the run ended
 * @param segmentsTotal the source's segments
 * @param rejections the rows rejected (by the source, the transform or the key normalizer), in the
 *     order met, at most {@value #MAX_REPORTED}; {@link BackfillCounts#rejected()} counts them all
 * @param collisions the key collisions, in the order met, at most {@value #MAX_REPORTED}
 * @param truncated whether more rejections or collisions occurred than the lists hold
 * @param collisionTrackingSaturated whether the collision tracker reached its bound ({@link
 *     BackfillBuilder#collisionTracking}): keys met after that were not tracked, so a collision
 *     between two of them would have gone unnoticed
 * @param duration how long the run took
 * @since 0.1.0
 */
public record BackfillResult(
        Status status,
        BackfillCounts counts,
        int segmentsDone,
        int segmentsTotal,
        List<BackfillRejection> rejections,
        List<BackfillCollision> collisions,
        boolean truncated,
        boolean collisionTrackingSaturated,
        Duration duration) {

    /** How many rejections and how many collisions a result lists at most. */
    public static final int MAX_REPORTED = 10_000;

    /**
     * How a run ended.
     *
     * @since 0.1.0
     */
    public enum Status {
        /** Every segment is done (by this process or others). */
        COMPLETED,
        /** {@link Backfill#stop()} was called: claims were released, the checkpoints kept; run again to resume. */
        STOPPED,
        /** A source, target or checkpoint call failed; {@link Backfill#run()} threw a {@link BackfillException}. */
        FAILED
    }

    public BackfillResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(counts, "counts");
        rejections = List.copyOf(rejections);
        collisions = List.copyOf(collisions);
        Objects.requireNonNull(duration, "duration");
    }
}
