package dev.cutover.replication.internal.backfill;

import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.RowTransform;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A backfill's validated configuration, as {@code BackfillBuilder} assembled it.
 *
 * @param estimatedRows the row count for the ETA, or -1 to ask the source (if it can tell)
 * @param collisionTracking how many new keys the collision tracker remembers; 0 tracks none
 */
public record BackfillSettings(
        String name,
        SegmentedSource source,
        VersionedTarget target,
        RowTransform transform,
        @Nullable UnaryOperator<String> normalizer,
        int collisionTracking,
        int batchSize,
        int workers,
        @Nullable RateLimiter rateLimiter,
        CheckpointStore checkpoints,
        String owner,
        Duration lease,
        BackfillListener listener,
        long estimatedRows) {

    /**
     * How long an idle worker waits before looking again for a segment held by another process (a
     * tenth of the lease, 10 ms to 1 s): one cheap query, made only near the end of a backfill.
     */
    public Duration pollInterval() {
        long millis = Math.max(10, Math.min(1_000, lease.toMillis() / 10));
        return Duration.ofMillis(millis);
    }
}
