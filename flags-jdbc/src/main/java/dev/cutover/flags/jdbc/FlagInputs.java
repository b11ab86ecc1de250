package dev.cutover.flags.jdbc;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import java.util.Objects;

/**
 * The checks {@link JdbcFlagStore} applies to its callers' input before it touches the database:
 * what a database cannot store faithfully is rejected, naming the field and the problem.
 */
final class FlagInputs {
    static final int MAX_ACTOR = 200;
    static final int MAX_REASON = 2000;

    private FlagInputs() {}

    static void requireKey(String key) {
        Objects.requireNonNull(key, "key");
        if (!Flag.isValidKey(key)) {
            throw new IllegalArgumentException(
                    "flag key must be 1 to 128 letters, digits, '.', '-' or '_' but was '" + key + "'");
        }
    }

    static void checkAudit(AuditInfo audit) {
        Objects.requireNonNull(audit, "audit");
        checkText("actor", audit.actor(), MAX_ACTOR);
        checkText("reason", audit.reason(), MAX_REASON);
    }

    /** Rejects what a database cannot store faithfully: too long, NUL, or broken UTF-16. */
    static void checkText(String field, String value, int max) {
        if (value.length() > max) {
            throw new IllegalArgumentException(
                    field + " must be at most " + max + " characters but was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == 0) {
                throw new IllegalArgumentException(field + " must not contain the NUL character (at index " + i + ")");
            }
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new IllegalArgumentException(field + " has an unpaired surrogate at index " + i);
            }
            if (Character.isLowSurrogate(ch)) {
                throw new IllegalArgumentException(field + " has an unpaired surrogate at index " + i);
            }
        }
    }
}
