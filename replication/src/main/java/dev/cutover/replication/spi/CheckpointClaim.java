package dev.cutover.replication.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One owner's claim on one segment, as {@link CheckpointStore#claim} granted it: the handle for
 * {@link CheckpointStore#save}, {@link CheckpointStore#markDone} and {@link
 * CheckpointStore#release}.
 *
 * <pre>{@code
 * Optional<CheckpointClaim> claim = store.claim(3, "pod-7", Duration.ofMinutes(2));
 * claim.ifPresent(c -> resumeFrom(c.token()));
 * }</pre>
 *
 * @param segment the segment claimed
 * @param owner who claimed it
 * @param claimId unique per successful claim: it fences off every earlier claim of the segment,
 *     also the same owner's
 * @param token where the segment's copy resumes; null to start from the beginning
 * @param rows rows of the segment read before this claim
 * @since 0.1.0
 */
public record CheckpointClaim(
        int segment, String owner, String claimId, @Nullable String token, long rows) {
    public CheckpointClaim {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(claimId, "claimId");
        if (segment < 0) {
            throw new IllegalArgumentException("segment must be >= 0 but was " + segment);
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0 but was " + rows);
        }
    }
}
