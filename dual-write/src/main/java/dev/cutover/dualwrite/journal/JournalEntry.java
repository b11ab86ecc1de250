package dev.cutover.dualwrite.journal;

import java.util.Objects;

/**
 * A {@link FailedWrite} as a journal holds it.
 *
 * @param id assigned by the journal, increasing in the order entries were appended
 * @param write what was missed
 * @since 0.1.0
 */
public record JournalEntry(long id, FailedWrite write) {
  public JournalEntry {
    Objects.requireNonNull(write, "write");
    if (id < 1) {
      throw new IllegalArgumentException("journal entry id must be >= 1 but was " + id);
    }
  }
}
