package dev.cutover.replication.integration;

import dev.cutover.replication.Change;
import dev.cutover.replication.integration.RealStores.Store;
import dev.cutover.replication.jdbc.JdbcRowMapper;
import dev.cutover.replication.jdbc.JdbcSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The old store of a migration on a real database: a plain table {@code (id, version, name,
 * amount)} that the application writes as it always did (a delete removes the row, no tombstone),
 * read by the library through a {@link JdbcSource} and by key for reconciliation's re-check and
 * the repair's authority.
 */
final class OldJdbcTable {
    final Store store;
    final String table;
    private final DataSource pool;

    private OldJdbcTable(Store store, String table) {
        this.store = store;
        this.table = table;
        this.pool = RealStores.pool(store);
    }

    /** A new, empty table on {@code store}. */
    static OldJdbcTable create(Store store) throws SQLException {
        OldJdbcTable old = new OldJdbcTable(store, RealStores.uniqueName("old_orders"));
        RealStores.execute(
                store,
                "CREATE TABLE " + old.table + " (id VARCHAR(64) NOT NULL PRIMARY KEY,"
                        + " version BIGINT NOT NULL, name VARCHAR(64) NOT NULL, amount BIGINT NOT NULL)");
        return old;
    }

    /** Makes one write as the application does: insert, update or delete; {@code exists} says whether the row is there. */
    void write(Write w, boolean exists) throws SQLException {
        String sql = w.delete()
                ? "DELETE FROM " + table + " WHERE id = ?"
                : exists
                        ? "UPDATE " + table + " SET version = ?, name = ?, amount = ? WHERE id = ?"
                        : "INSERT INTO " + table + " (version, name, amount, id) VALUES (?, ?, ?, ?)";
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            if (!w.delete()) {
                ps.setLong(p++, w.version());
                ps.setString(p++, w.name());
                ps.setLong(p++, w.amount());
            }
            ps.setString(p, w.key());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException(w + " changed no row of " + table + " (exists: " + exists + ")");
            }
        }
    }

    /** The row of {@code key} as the source reads it, or empty: a repair's authority. */
    Optional<Change> read(String key) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE id = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(Change.upsert(
                                rs.getString("id"),
                                rs.getLong("version"),
                                JdbcRowMapper.allColumns().map(rs)))
                        : Optional.empty();
            }
        }
    }

    /** The library's source over this table, with boundaries computed from the rows there now. */
    JdbcSource source(int segments) throws SQLException {
        return JdbcSource.builder(pool)
                .table(table)
                .keyColumn("id")
                .versionColumn("version")
                .segments(segments)
                .build();
    }

    /** The source as a restarted process builds it: with the boundaries the first run kept. */
    JdbcSource source(List<String> boundaries) throws SQLException {
        return JdbcSource.builder(pool)
                .table(table)
                .keyColumn("id")
                .versionColumn("version")
                .boundaries(boundaries)
                .build();
    }
}
