package dev.cutover.flags;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The detailed result of one evaluation: the value, the variant that produced it and why.
 *
 * @param value the value served (the caller's default when no variant was)
 * @param variant the variant name, or null when the default was served
 * @param reason why this value
 * @param errorCode what went wrong when {@code reason} is {@link Reason#ERROR}, else null
 * @param ruleIndex index of the matching rule for {@link Reason#RULE_MATCH}, else -1
 * @param flagVersion version of the flag definition used, 0 when none
 * @param revision revision of the snapshot evaluated, 0 when none
 * @param type the flag's variant type, also on an error once the flag was found (a wrong type, a
 *     missing targeting key); null when no flag was found or the key was invalid
 * @param flagMetadata the evaluated flag's own metadata ({@link Flag#metadata()}), empty when the
 *     flag has none or no flag was evaluated; the same instance for every evaluation of one
 *     definition
 * @param <T> the value type
 * @since 0.1.0
 */
public record Evaluation<T>(
        T value,
        @Nullable String variant,
        Reason reason,
        @Nullable ErrorCode errorCode,
        int ruleIndex,
        long flagVersion,
        long revision,
        @Nullable VariantType type,
        Map<String, Object> flagMetadata) {

    /** An evaluation of no particular flag type and without metadata. */
    public Evaluation(
            T value,
            @Nullable String variant,
            Reason reason,
            @Nullable ErrorCode errorCode,
            int ruleIndex,
            long flagVersion,
            long revision) {
        this(value, variant, reason, errorCode, ruleIndex, flagVersion, revision, null, Map.of());
    }

    /** Whether the caller's default was served: an error, a missing flag, or an off flag without an off variant. */
    public boolean isDefault() {
        return variant == null;
    }
}
