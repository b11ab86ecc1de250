package dev.cutover.flags.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link JdbcFlagStore} uses its data source for transactions and DDL: every connection goes
 * back with the auto-commit mode (and isolation level) it was borrowed with, because not every
 * pool resets them.
 */
final class FlagConnections {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcFlagStore.class);

    /** For {@link #inTransaction}: leave the pool's isolation level as it is. */
    static final int KEEP_ISOLATION = -1;

    /** Work done on one connection inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;

    FlagConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs the DDL in auto-commit, up to three times; a failure is ignored once {@code complete}
     * finds the schema usable (another instance created it concurrently).
     */
    void createSchema(List<String> ddl, BooleanSupplier complete) throws SQLException {
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
                if (complete.getAsBoolean()) {
                    return; // another instance created it concurrently
                }
            }
        }
        throw last;
    }

    /**
     * Runs {@code work} in one transaction, commits, and gives the connection back with the
     * auto-commit (and isolation) it was borrowed with. Loads keep the pool's isolation ({@link
     * #KEEP_ISOLATION}), because they order their statements so any level is safe and changing it
     * costs round trips on every poll. Writes run at READ COMMITTED: their {@code FOR UPDATE} locks
     * serialize them, and at REPEATABLE READ or SERIALIZABLE PostgreSQL would instead fail
     * concurrent writers with serialization errors.
     */
    <T> T inTransaction(int isolation, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int previousIsolation = isolation == KEEP_ISOLATION ? KEEP_ISOLATION : c.getTransactionIsolation();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            if (isolation != KEEP_ISOLATION && previousIsolation != isolation) {
                c.setTransactionIsolation(isolation);
            }
            try {
                return committed(c, work);
            } finally {
                if (isolation != KEEP_ISOLATION && previousIsolation != isolation) {
                    try {
                        c.setTransactionIsolation(previousIsolation);
                    } catch (SQLException e) {
                        LOG.debug("could not restore the isolation level", e);
                    }
                }
                restoreAutoCommit(c, autoCommit);
            }
        }
    }

    /**
     * Runs one statement's work as a transaction of its own: as it is when the connection is in
     * auto-commit (what pools hand out by default: one round trip), else followed by a commit.
     */
    <T> T autoCommitted(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return c.getAutoCommit() ? work.run(c) : committed(c, work);
        }
    }

    /** Runs {@code work} on a connection out of auto-commit and commits, or rolls back and rethrows. */
    private static <T> T committed(Connection c, Work<T> work) throws SQLException {
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
