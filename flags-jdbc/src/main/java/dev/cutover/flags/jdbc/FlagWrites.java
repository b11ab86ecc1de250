package dev.cutover.flags.jdbc;

import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagStoreException;
import dev.cutover.flags.spi.FlagWriteConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The compare-and-set write of {@link JdbcFlagStore} and the revision read it shares with loads.
 *
 * <p>A write runs in one READ COMMITTED transaction: it locks the revision row ({@code SELECT ...
 * FOR UPDATE}), which serializes concurrent writers, then the flag's row, compares its version with
 * the expected one, lets the caller's {@link Step} write the flag and the audit row, bumps the
 * revision and, on PostgreSQL, sends {@code NOTIFY} (delivered on commit).
 */
final class FlagWrites {
    /** The row a write found: its version and body. */
    record Current(long version, String body) {}

    /** The part of a write that differs between put and delete; runs under the revision lock. */
    @FunctionalInterface
    interface Step<T> {
        /**
         * @param current the stored row, locked, or null when absent
         * @param nextVersion the version a put stores: above every version the key ever had
         * @param newRevision the store revision this write produces
         */
        T apply(Connection c, @Nullable Current current, long nextVersion, long newRevision) throws SQLException;
    }

    private final FlagConnections connections;
    private final Sql sql;
    private final JdbcDialect dialect;
    private final String prefix;
    private final String channel;

    FlagWrites(FlagConnections connections, Sql sql, JdbcDialect dialect, String prefix, String channel) {
        this.connections = connections;
        this.sql = sql;
        this.dialect = dialect;
        this.prefix = prefix;
        this.channel = channel;
    }

    /** The store revision, optionally locking its row for a write. */
    long revision(Connection c, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(forUpdate ? sql.lockRevision : sql.readRevision);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new FlagStoreException("the revision row of " + dialect.quote(prefix + "revision")
                        + " is missing: run createSchemaIfMissing() or schema/"
                        + dialect.name().toLowerCase(Locale.ROOT) + ".sql");
            }
            return rs.getLong(1);
        }
    }

    /**
     * Runs {@code step} under the revision lock when the flag's stored version is {@code
     * expectedVersion} (0: absent).
     *
     * @throws FlagWriteConflictException when it is not
     */
    <T> T write(String key, long expectedVersion, Step<T> step) throws SQLException {
        return connections.inTransaction(Connection.TRANSACTION_READ_COMMITTED, c -> {
            long revision = revision(c, true);
            if (revision == Long.MAX_VALUE) {
                throw new FlagStoreException("the store revision is at Long.MAX_VALUE and cannot grow");
            }
            revision++;
            Current current = null;
            try (PreparedStatement ps = c.prepareStatement(sql.lockOne)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (key.equals(rs.getString(1))) {
                            current = new Current(rs.getLong(2), rs.getString(3));
                        }
                    }
                }
            }
            long actual = current == null ? 0 : current.version();
            if (actual != expectedVersion) {
                throw new FlagWriteConflictException(key, expectedVersion, actual);
            }
            long floor = actual;
            if (current == null) {
                try (PreparedStatement ps = c.prepareStatement(sql.lastVersion)) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        floor = rs.next() ? rs.getLong(1) : 0;
                    }
                }
            }
            T result = step.apply(c, current, floor + 1, revision);
            try (PreparedStatement ps = c.prepareStatement(sql.bumpRevision)) {
                ps.setLong(1, revision);
                ps.executeUpdate();
            }
            if (dialect == JdbcDialect.POSTGRESQL) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    ps.setString(1, channel);
                    ps.setString(2, key);
                    ps.execute();
                }
            }
            return result;
        });
    }

    /** Appends the audit row of a write, inside its transaction. */
    void appendAudit(
            Connection c,
            String key,
            long version,
            AuditInfo audit,
            @Nullable String before,
            @Nullable String after,
            Instant at,
            long revision)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.insertAudit)) {
            FlagRows.bindAudit(ps, key, version, audit, before, after, at, revision);
            ps.executeUpdate();
        }
    }
}
