package dev.cutover.compare;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One field where the old and the new result differ, after normalization.
 *
 * <pre>{@code
 * for (Difference d : result.differences()) {
 *   log.warn("{} {} ({} -> {})", d.path(), d.kind(), d.oldHash(), d.newHash());
 * }
 * }</pre>
 *
 * <p>Values are in their canonical JSON text (numbers by value, fields sorted; see {@link
 * Comparison}), and a difference at an object or an array covers everything below it.
 *
 * @param path where, as a JSON Pointer into the normalized result ({@code /lines/0/price}, with
 *     {@code ~} and {@code /} in names escaped as {@code ~0} and {@code ~1}; {@code ""} is the
 *     whole result)
 * @param kind how they differ
 * @param oldHash a keyed hash of the old value (null when absent): equal values give equal hashes
 *     within one {@link Comparison}, and the value cannot be read back from it
 * @param newHash the same for the new value
 * @param oldValue the old value as JSON, only when {@link Comparison.Builder#revealValues} is on
 * @param newValue the new value as JSON, only when values are revealed
 * @since 0.1.0
 */
public record Difference(
        String path,
        Kind kind,
        @Nullable String oldHash,
        @Nullable String newHash,
        @Nullable String oldValue,
        @Nullable String newValue) {

    /** How a field differs. */
    public enum Kind {
        /** Present on both sides with different values. */
        CHANGED,
        /** Present in the old result only. */
        ONLY_OLD,
        /** Present in the new result only. */
        ONLY_NEW,
        /** Present on both sides with different JSON types (for example a number and a string). */
        TYPE
    }

    public Difference {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
    }
}
