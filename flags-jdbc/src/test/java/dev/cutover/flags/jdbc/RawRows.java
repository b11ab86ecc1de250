package dev.cutover.flags.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Writes flag rows behind the store's back, as a careless migration or a hand edit would: for
 * injecting corrupt, oversized or foreign documents. Bumps the revision like a real write.
 */
final class RawRows {
    private RawRows() {}

    static void put(DataSource ds, JdbcFlagStore store, String key, String body) throws SQLException {
        JdbcDialect d = store.dialect();
        String flags = d.quote(store.tablePrefix() + "flags");
        String revision = d.quote(store.tablePrefix() + "revision");
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long version = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM " + flags + " WHERE flag_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        version = rs.getLong(1);
                    }
                }
            }
            String write = version == 0
                    ? "INSERT INTO " + flags
                            + " (body, version, updated_at_ms, updated_by, flag_key) VALUES (?, ?, 0, 'raw', ?)"
                    : "UPDATE " + flags + " SET body = ?, version = ? WHERE flag_key = ?";
            try (PreparedStatement ps = c.prepareStatement(write)) {
                ps.setString(1, body);
                ps.setLong(2, version + 1);
                ps.setString(3, key);
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE " + revision + " SET revision = revision + 1 WHERE id = 1")) {
                ps.executeUpdate();
            }
            c.commit();
        }
    }
}
