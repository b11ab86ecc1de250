package dev.cutover.journal;

import java.time.Instant;
import java.util.Objects;

/**
 * A time range in which writes of a repository may differ between the stores without each key
 * being in the journal. A gap is the record of last resort: where keys could not be kept one by
 * one, the range is kept instead, and only a full reconciliation that started after the gap's end,
 * followed by a repair, can close it ({@link FailedWriteJournal#closeGaps}). While a gap is open,
 * {@code dev.cutover.dualwrite.StageFlag} refuses to move a migration past {@code SHADOW}.
 *
 * <pre>{@code
 * for (Gap gap : journal.openGaps(Instant.now())) {
 *   System.out.println(gap.repository() + " " + gap.kind() + " " + gap.from() + " .. " + gap.to());
 * }
 * }</pre>
 *
 * @param id unique per gap; a {@link Kind#RUN} record keeps its id while its process lives
 * @param repository the proxy's repository name or the mirror's name
 * @param kind why the range is a gap
 * @param from when the range starts
 * @param to when it ends; for a {@link Kind#RUN} record, the end of the lease its process renews
 * @param detail one line for operators, never entity data
 * @since 0.1.0
 */
public record Gap(String id, String repository, Kind kind, Instant from, Instant to, String detail) {

    /**
     * Why a range is a gap.
     *
     * @since 0.1.0
     */
    public enum Kind {
        /**
         * A process that holds keys in memory before they reach the journal. It renews {@code to}
         * while it lives and removes the record when it closes cleanly; a record whose {@code to} has
         * passed belongs to a process that died (or lost the journal for longer than its lease), so
         * the keys it held may be lost and the whole run is a gap.
         */
        RUN,
        /** More keys waited for the journal than the configured bound; the ones past it were not kept. */
        OVERFLOW,
        /** The journal refused a key it cannot store (too long, or a character it cannot hold). */
        KEY_REJECTED
    }

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException when {@code to} is before {@code from}
     */
    public Gap {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(detail, "detail");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("gap " + id + " ends at " + to + ", before it starts at " + from);
        }
    }

    /**
     * Whether this gap blocks a move past {@code SHADOW} at {@code now}: an {@link Kind#OVERFLOW}
     * always, a {@link Kind#RUN} once its lease has passed.
     */
    public boolean isOpenAt(Instant now) {
        return kind != Kind.RUN || to.isBefore(now);
    }
}
