package dev.cutover.journal;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.testsupport.H2Databases;
import org.junit.jupiter.api.AfterAll;

/**
 * The journal contract through a pool that lends connections with auto-commit off and rolls back
 * whatever is left uncommitted when one comes back, as pools configured so do: an append or
 * resolve that relied on auto-commit would be lost, and the contract would fail.
 */
class H2AutoCommitOffJournalContractTest extends JdbcFailedWriteJournalContract {
    private static final TestPool POOL =
            new TestPool(H2Databases.createDatabase("journal_no_autocommit").dataSource(), 8, false);

    @AfterAll
    static void closePool() throws Exception {
        POOL.close();
    }

    @Override
    protected TestPool pool() {
        return POOL;
    }

    @Override
    protected SqlDialect expectedDialect() {
        return SqlDialect.H2;
    }
}
