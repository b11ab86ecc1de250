package dev.cutover.flags;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A sticky percentage split across variants. A context is placed in one of 100,000 buckets by a
 * hash of the flag's seed and the {@code bucketBy} attribute, so the same context always lands in
 * the same variant, and raising the share of the first variant only ever adds contexts to it.
 *
 * <pre>{@code
 * Rollout.by("customerId", new Allocation("true", 10), new Allocation("false", 90))
 * }</pre>
 *
 * @param bucketBy context attribute to hash; {@code key} (the targeting key) when null
 * @param seed hash seed; the flag key when null. Change it to reshuffle the buckets.
 * @param allocations variant shares in bucket order; they must add up to exactly 100%
 * @since 0.1.0
 */
public record Rollout(@Nullable String bucketBy, @Nullable String seed, List<Allocation> allocations) {

    /** Copies the allocations. */
    public Rollout {
        allocations = List.copyOf(Objects.requireNonNull(allocations, "allocations"));
    }

    /** A rollout bucketed by the given attribute, seeded by the flag key. */
    public static Rollout by(String bucketBy, Allocation... allocations) {
        return new Rollout(bucketBy, null, List.of(allocations));
    }

    /** A rollout bucketed by the targeting key, seeded by the flag key. */
    public static Rollout of(Allocation... allocations) {
        return new Rollout(null, null, List.of(allocations));
    }

    /** The attribute actually hashed. */
    public String bucketAttribute() {
        return bucketBy == null ? EvaluationContext.KEY_ATTRIBUTE : bucketBy;
    }
}
