package dev.cutover.replication.spi;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The stored state of one segment of a backfill, as {@link CheckpointStore#checkpoints()} lists
 * it: for operators and tests.
 *
 * <pre>{@code
 * long done = store.checkpoints().stream().filter(Checkpoint::done).count();
 * }</pre>
 *
 * @param segment the segment
 * @param owner who claimed it last, or null if nobody ever did
 * @param leaseUntil when the last claim's lease ends ({@link Instant#EPOCH} if never claimed or
 *     released)
 * @param token where a copy resumes, or null to start from the beginning
 * @param rows rows of the segment read so far
 * @param done whether the segment has been copied to its end
 * @since 0.1.0
 */
public record Checkpoint(
        int segment,
        @Nullable String owner,
        Instant leaseUntil,
        @Nullable String token,
        long rows,
        boolean done) {}
