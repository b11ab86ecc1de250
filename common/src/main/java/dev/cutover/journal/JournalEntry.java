package dev.cutover.journal;

import java.util.Objects;

/**
 * A {@link FailedWrite} as a journal holds it.
 *
 * <pre>{@code
 * for (JournalEntry entry : journal.pending(0, 100)) {
 *   repair(entry.write().repository(), entry.write().entityKey());
 *   journal.resolve(List.of(entry.id()));
 * }
 * }</pre>
 *
 * @param id assigned by the journal, increasing in the order entries were appended
 * @param write what was missed
 * @since 0.1.0
 */
public record JournalEntry(long id, FailedWrite write) {
    /**
     * Checks the id and the write.
     *
     * @throws IllegalArgumentException when {@code id < 1}
     */
    public JournalEntry {
        Objects.requireNonNull(write, "write");
        if (id < 1) {
            throw new IllegalArgumentException("journal entry id must be >= 1 but was " + id);
        }
    }
}
