package dev.cutover.journal;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;

/** The journal contract on embedded PostgreSQL (one server per JVM, a database for this class). */
class PostgresFailedWriteJournalContractTest extends JdbcFailedWriteJournalContract {
    private static final TestPool POOL = new TestPool(
            EmbeddedPostgresServer.get().createDatabase("journal_contract").dataSource(), 8, true);

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
        return SqlDialect.POSTGRESQL;
    }

    @Override
    protected void beforeExplain(Statement s, String quotedTable) throws SQLException {
        s.execute("ANALYZE " + quotedTable);
        // 300 rows fit in a few pages, where a sequential scan is the right plan
        s.execute("SET enable_seqscan = off");
    }

    @Override
    protected void afterExplain(Statement s) throws SQLException {
        s.execute("RESET enable_seqscan");
    }
}
