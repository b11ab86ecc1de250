package dev.cutover.journal;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.testsupport.H2Databases;
import org.junit.jupiter.api.AfterAll;

/** The journal contract on an in-memory H2 database, through a pool lending auto-commit connections. */
class H2FailedWriteJournalContractTest extends JdbcFailedWriteJournalContract {
    private static final TestPool POOL =
            new TestPool(H2Databases.createDatabase("journal_contract").dataSource(), 8, true);

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
