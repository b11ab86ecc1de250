package dev.cutover.flags;

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
        long revision) {

    /** Whether the caller's default was served because of an error or a missing flag. */
    public boolean isDefault() {
        return variant == null;
    }
}
