package dev.cutover.replication.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work on a borrowed connection in auto-commit mode and gives the connection back as it
 * was lent: each statement is then its own transaction, so no read sees an old snapshot and no
 * transaction is left open on a pooled connection.
 */
public final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {}

    /** Work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    public static <T> T inAutoCommit(Connection c, Work<T> work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.rollback(); // a lent connection should hold no work; never commit someone else's
            c.setAutoCommit(true);
        }
        try {
            return work.run();
        } finally {
            if (!autoCommit) {
                restore(c, false);
            }
        }
    }

    /**
     * Runs work in one transaction on a connection in auto-commit mode: committed when it returns,
     * rolled back when it throws, and auto-commit is on again afterwards.
     */
    static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            restore(c, true);
        }
    }

    static void restore(Connection c, boolean autoCommit) {
        try {
            if (c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            LOG.debug("could not restore auto-commit", e);
        }
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }
}
