package dev.cutover.journal;

import dev.cutover.testkit.contract.FailedWriteJournalContract;

/** The journal contract on {@link InMemoryFailedWriteJournal}. */
class InMemoryFailedWriteJournalContractTest extends FailedWriteJournalContract {
    @Override
    protected FailedWriteJournal newJournal() {
        return new InMemoryFailedWriteJournal();
    }
}
