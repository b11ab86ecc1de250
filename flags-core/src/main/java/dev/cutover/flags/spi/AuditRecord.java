package dev.cutover.flags.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One write in a flag's history.
 *
 * @param key the flag key
 * @param version the flag version after the write (for a delete: the version deleted)
 * @param actor who wrote
 * @param reason why
 * @param before the flag JSON before, null when created
 * @param after the flag JSON after, null when deleted
 * @param at when the write was made
 * @param revision the store revision the write produced
 * @since 0.1.0
 */
public record AuditRecord(
        String key,
        long version,
        String actor,
        String reason,
        @Nullable String before,
        @Nullable String after,
        Instant at,
        long revision) {

    /** Checks for nulls. */
    public AuditRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
