package dev.cutover.replication.internal.jdbc;

import dev.cutover.replication.Change;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.internal.ChangeChecks;
import dev.cutover.replication.spi.ReplaceOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compare-and-set of the JDBC target on (version, content digest): the repair of same-version
 * drift ({@code VersionedTarget.replaceIfUnchanged}).
 *
 * <p><b>Design.</b> One short transaction: {@code SELECT version, deleted, <payload> ... WHERE
 * entity_key = ? FOR UPDATE}, the digest of the payload computed in Java from that row, and, only
 * when the row is live at the expected version with the expected digest, {@code UPDATE ... WHERE
 * entity_key = ? AND version = ? AND deleted = FALSE}. The locking read returns the latest
 * committed row on every dialect (PostgreSQL re-reads the row once it holds the lock; InnoDB's
 * locking reads ignore the snapshot; H2 locks the row it returns) and holds its lock until the
 * commit, so no write of any writer (the versioned apply, or an edit that goes around this library)
 * lands between the comparison and the update: a newer version or another edit arriving meanwhile
 * waits, then lands on top; one that came first makes the comparison fail and nothing is written.
 * Comparing digests in Java, rather than the stored text in SQL, is what makes the comparison
 * independent of how each database keeps JSON ({@code jsonb} reorders fields and rewrites
 * numbers) and works for payload columns of the user's own. A missing row takes no lock and needs
 * none: it is a mismatch. A transaction rolled back by a deadlock or a lock timeout wrote nothing
 * and is retried. Stateless, so thread-safe.
 */
public final class TargetReplace {
    private static final Logger LOG = LoggerFactory.getLogger(TargetReplace.class);

    private final DataSource dataSource;
    private final TargetSql sql;
    private final TargetReads reads;
    private final Clock clock;

    public TargetReplace(DataSource dataSource, TargetSql sql, TargetReads reads, Clock clock) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.reads = reads;
        this.clock = clock;
    }

    /** Replaces {@code row.key()}'s row if it is live at {@code expectedVersion} with {@code expectedDigest}. */
    public ReplaceOutcome replaceIfUnchanged(long expectedVersion, String expectedDigest, Change row)
            throws SQLException {
        ChangeChecks.check(List.of(row), sql.dialect);
        SQLException contention = null;
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 1; attempt <= VersionedApply.MAX_ATTEMPTS; attempt++) {
                try {
                    return Transactions.inAutoCommit(
                            c,
                            () -> Transactions.inTransaction(
                                    c, () -> compareAndSet(c, expectedVersion, expectedDigest, row)));
                } catch (SQLException e) {
                    if (!SqlErrors.isContention(e, sql.dialect)) {
                        throw e;
                    }
                    contention = e;
                    LOG.debug("contention on {}, attempt {}: {}", sql.table, attempt, e.toString());
                }
                SqlErrors.pause(attempt);
            }
        }
        SQLException failed = new SQLException("could not replace " + row + " in " + sql.table + " in "
                + VersionedApply.MAX_ATTEMPTS + " attempts under contention");
        failed.initCause(contention);
        throw failed;
    }

    private ReplaceOutcome compareAndSet(Connection c, long expectedVersion, String expectedDigest, Change row)
            throws SQLException {
        Change stored;
        try (PreparedStatement ps = c.prepareStatement(sql.readOneForUpdate)) {
            sql.bindLookup(ps, 1, row.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return ReplaceOutcome.CHANGED;
                }
                stored = reads.change(row.key(), rs.getLong(1), rs.getBoolean(2), rs, 3);
            }
        }
        if (stored.isDelete()
                || stored.version() != expectedVersion
                || !PayloadDigest.of(stored).equals(expectedDigest)) {
            return ReplaceOutcome.CHANGED;
        }
        try (PreparedStatement ps = c.prepareStatement(sql.replace)) {
            ps.setLong(1, row.version());
            ps.setBoolean(2, false);
            sql.payload.bind(ps, 3, row.payload());
            int p = 3 + sql.payloadCount;
            ps.setObject(p, sql.timestamp(clock.instant()));
            ps.setLong(sql.bindLookup(ps, p + 1, row.key()), expectedVersion);
            return ps.executeUpdate() == 1 ? ReplaceOutcome.REPLACED : ReplaceOutcome.CHANGED;
        }
    }
}
