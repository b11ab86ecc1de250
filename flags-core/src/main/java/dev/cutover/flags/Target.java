package dev.cutover.flags;

import java.util.Objects;
import java.util.Set;

/**
 * Individual targeting: contexts whose targeting key is listed get the variant, before any rule.
 *
 * @param variant the variant served
 * @param keys targeting keys
 * @since 0.1.0
 */
public record Target(String variant, Set<String> keys) {

    /** Copies the keys. */
    public Target {
        Objects.requireNonNull(variant, "variant");
        keys = Set.copyOf(Objects.requireNonNull(keys, "keys"));
    }

    /** Targets the given keys. */
    public static Target of(String variant, String... keys) {
        return new Target(variant, Set.of(keys));
    }
}
