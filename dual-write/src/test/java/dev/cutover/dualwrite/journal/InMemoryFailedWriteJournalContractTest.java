package dev.cutover.dualwrite.journal;

/** The journal contract on {@link InMemoryFailedWriteJournal}. */
class InMemoryFailedWriteJournalContractTest extends FailedWriteJournalContract {
  @Override
  protected FailedWriteJournal newJournal() {
    return new InMemoryFailedWriteJournal();
  }
}
