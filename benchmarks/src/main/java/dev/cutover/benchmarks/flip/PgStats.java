package dev.cutover.benchmarks.flip;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's own view of the benchmark's database, read over a monitor connection (to another
 * database, in auto-commit), so that reading it adds nothing to what it reads. PostgreSQL 14 hands
 * a reader a statistics snapshot up to 500 ms old, and exiting backends report as they exit.
 */
final class PgStats {
    private final Connection monitor;
    private final String database;

    PgStats(Connection monitor, String database) {
        this.monitor = monitor;
        this.database = database;
    }

    /** {@code xact_commit + xact_rollback} and {@code sessions} of the database. */
    long[] transactionsAndSessions() throws SQLException {
        try (PreparedStatement ps = monitor.prepareStatement(
                "SELECT xact_commit + xact_rollback, sessions FROM pg_stat_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no pg_stat_database row for " + database);
                }
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** Connections to the database now, in {@code pg_stat_activity}. */
    long connections() throws SQLException {
        try (PreparedStatement ps =
                monitor.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The process ids of the database's backends, in {@code pg_stat_activity}. */
    List<Long> backendPids() throws SQLException {
        List<Long> pids = new ArrayList<>();
        try (PreparedStatement ps = monitor.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getLong(1));
                }
            }
        }
        return pids;
    }

    /** Bytes of write-ahead log the whole server has written so far ({@code pg_current_wal_lsn()}). */
    long walBytes() throws SQLException {
        try (Statement st = monitor.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server's {@code server_version}. */
    String serverVersion() throws SQLException {
        try (Statement st = monitor.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
