package dev.cutover.flags;

import org.jspecify.annotations.Nullable;

/**
 * What a rule or the fallthrough serves: one fixed variant, or a percentage {@link Rollout}.
 * Exactly one of the two is set.
 *
 * @param variant the fixed variant, or null for a rollout
 * @param rollout the rollout, or null for a fixed variant
 * @since 0.1.0
 */
public record Serve(@Nullable String variant, @Nullable Rollout rollout) {

    /** Checks that exactly one of the two is set. */
    public Serve {
        if ((variant == null) == (rollout == null)) {
            throw new IllegalArgumentException("serve needs exactly one of variant or rollout but had variant="
                    + variant
                    + ", rollout="
                    + rollout);
        }
    }

    /** Serves one fixed variant. */
    public static Serve variant(String variant) {
        return new Serve(variant, null);
    }

    /** Serves a percentage rollout. */
    public static Serve rollout(Rollout rollout) {
        return new Serve(null, rollout);
    }
}
