package dev.cutover.replication.internal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC batch whose update counts are known for every statement. Some drivers, when told to
 * (MariaDB Connector/J {@code useBulkStmts=true}, MySQL Connector/J {@code
 * rewriteBatchedStatements=true} for some statements), answer a batch with {@code
 * SUCCESS_NO_INFO}; the versioned apply cannot tell then which change landed. The batch therefore
 * runs first in a transaction that holds nothing else: when a count comes back unknown, the
 * transaction is rolled back, the statements run one by one, and later batches on this target
 * skip the batch form (logged once at WARN). The caller commits. Thread-safe.
 */
final class ExactBatch {
    private static final Logger LOG = LoggerFactory.getLogger(ExactBatch.class);

    /** Binds the parameters of statement {@code k} of the batch. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps, int k) throws SQLException;
    }

    private final String what;
    private final AtomicBoolean countsHidden = new AtomicBoolean();

    ExactBatch(String what) {
        this.what = what;
    }

    /**
     * Runs {@code n} statements of {@code sql} on {@code c}, which must be in a transaction with
     * nothing done yet; returns their update counts, uncommitted.
     */
    int[] run(Connection c, String sql, int n, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (!countsHidden.get()) {
                for (int k = 0; k < n; k++) {
                    binder.bind(ps, k);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                if (allKnown(counts, n)) {
                    return counts;
                }
                c.rollback();
                if (countsHidden.compareAndSet(false, true)) {
                    LOG.warn(
                            "the JDBC driver returns no update counts for batches on {} (an option such as MariaDB's"
                                    + " useBulkStmts or MySQL's rewriteBatchedStatements); running statements one by one",
                            what);
                }
            }
            int[] counts = new int[n];
            for (int k = 0; k < n; k++) {
                binder.bind(ps, k);
                counts[k] = ps.executeUpdate();
            }
            return counts;
        }
    }

    private static boolean allKnown(int[] counts, int n) {
        if (counts.length != n) {
            return false;
        }
        for (int count : counts) {
            if (count < 0) {
                return false;
            }
        }
        return true;
    }
}
