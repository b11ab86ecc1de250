package dev.cutover.flags;

import java.util.Objects;

/**
 * One variant's share of a {@link Rollout}.
 *
 * @param variant the variant name
 * @param percent share in percent, from 0 to 100, at most three decimals (0.001% resolution)
 * @since 0.1.0
 */
public record Allocation(String variant, double percent) {

    /** Validates the share. */
    public Allocation {
        Objects.requireNonNull(variant, "variant");
        if (!(percent >= 0.0 && percent <= 100.0)) {
            throw new IllegalArgumentException(
                    "allocation for variant '" + variant + "' must be within [0, 100] but was " + percent);
        }
    }

    /** The share in thousandths of a percent, the unit buckets are counted in. */
    public int thousandths() {
        return (int) Math.round(percent * 1000.0);
    }
}
