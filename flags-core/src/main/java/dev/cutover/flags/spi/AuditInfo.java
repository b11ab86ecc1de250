package dev.cutover.flags.spi;

import java.util.Objects;

/**
 * Who makes a write and why; both are required and recorded in the audit history.
 *
 * <p>An actor is one line of plain text: a control character, a line or paragraph separator or a
 * bidirectional control in it ({@link AuditText#isForging}) is refused, because it could fake a
 * second record or a column where the history is shown. A reason may span lines and keep tabs; it
 * is stored verbatim, and renderers show it on one line with {@link AuditText#oneLine}.
 *
 * <pre>{@code
 * store.put(flag, expectedVersion, new AuditInfo("alice@example.com", "ramp checkout to 10%"));
 * }</pre>
 *
 * @param actor the operator or system making the change
 * @param reason why, for the people who read the history later
 * @since 0.1.0
 */
public record AuditInfo(String actor, String reason) {

    /**
     * Rejects blank values, and an actor with a character that can fake a line or a column.
     *
     * @throws IllegalArgumentException naming the field and, for a forging character, its position
     *     and code point
     */
    public AuditInfo {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(reason, "reason");
        if (actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank");
        }
        int bad = AuditText.indexOfForging(actor);
        if (bad >= 0) {
            throw new IllegalArgumentException("actor must be one line of plain text, but has "
                    + AuditText.describe(actor.codePointAt(bad))
                    + " at index " + bad + ": control characters, line or paragraph separators and bidirectional"
                    + " controls could forge a record in the audit history; actor was '" + shown(actor) + "'");
        }
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
    }

    /** The value for an error message: on one line, at most 80 characters of it. */
    private static String shown(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) : value;
        return AuditText.oneLine(cut)
                + (cut.length() < value.length() ? "... (" + value.length() + " characters)" : "");
    }
}
