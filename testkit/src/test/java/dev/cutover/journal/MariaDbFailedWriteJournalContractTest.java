package dev.cutover.journal;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.testsupport.EmbeddedMariaDb;
import org.junit.jupiter.api.AfterAll;

/** The journal contract on embedded MariaDB (one server per JVM, a database for this class). */
class MariaDbFailedWriteJournalContractTest extends JdbcFailedWriteJournalContract {
    private static final TestPool POOL = new TestPool(
            EmbeddedMariaDb.get().createDatabase("journal_contract").dataSource(), 8, true);

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
        return SqlDialect.MYSQL;
    }
}
