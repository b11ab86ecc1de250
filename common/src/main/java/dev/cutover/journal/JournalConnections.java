package dev.cutover.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link JdbcFailedWriteJournal} uses its data source: every call borrows one connection and
 * gives it back before returning, also when it fails, never with a transaction left open and with
 * the auto-commit mode it was lent with.
 */
final class JournalConnections {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcFailedWriteJournal.class);

    /** Work done on one borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** A check that the schema is usable, run when creating it failed. */
    @FunctionalInterface
    interface Probe {
        void run() throws SQLException;
    }

    private final DataSource dataSource;

    JournalConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs the DDL in auto-commit, up to three times; when every attempt failed, the error is
     * ignored if {@code usable} then succeeds (another instance won the race to create an object),
     * and thrown otherwise.
     */
    void createSchema(List<String> ddl, Probe usable) throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                boolean autoCommit = c.getAutoCommit();
                try {
                    c.setAutoCommit(true);
                    for (String statement : ddl) {
                        s.execute(statement);
                    }
                    return;
                } finally {
                    restoreAutoCommit(c, autoCommit);
                }
            } catch (SQLException e) {
                last = e;
            }
        }
        try {
            usable.run();
            LOG.debug("schema creation raced with another instance; the table is usable", last);
        } catch (SQLException e) {
            last.addSuppressed(e);
            throw last;
        }
    }

    /**
     * Runs one statement's work on a borrowed connection as it was lent. With auto-commit on the
     * statement commits itself; with it off, the work is committed (or rolled back) here, so no
     * transaction is left open on a pooled connection.
     */
    <T> T call(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return c.getAutoCommit() ? work.run(c) : commitOrRollBack(c, work);
        }
    }

    /** Runs work in one transaction and gives the connection back with the auto-commit it had. */
    <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                return commitOrRollBack(c, work);
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
        }
    }

    /** Runs work on a connection with auto-commit off, then commits it, or rolls it back when it fails. */
    private static <T> T commitOrRollBack(Connection c, Work<T> work) throws SQLException {
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        }
    }

    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            if (c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            LOG.debug("could not restore auto-commit", e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }
}
