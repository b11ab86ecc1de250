package dev.cutover.replication.internal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The statements of a JDBC source over a table or a query, keyed by one column. Each page is
 * {@code SELECT * FROM <from> WHERE key > ? AND key < ? ORDER BY key LIMIT ?}: one range read on
 * the key's index. Portable: PostgreSQL, MySQL/MariaDB and H2 all take {@code LIMIT ? OFFSET ?}.
 * Identifiers were validated as plain names, and are used unquoted so the database's own case
 * rules find the table as it was created.
 */
public final class SourceSql {
    private final String from;
    private final String key;

    /**
     * @param from a validated table name, or {@code (query) AS src}
     * @param key the validated key column
     */
    public SourceSql(String from, String key) {
        this.from = from;
        this.key = key;
    }

    /** The key column's kind, from the metadata of an empty read. */
    public @Nullable SourceKeys keys(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + key + " FROM " + from + " WHERE 1 = 0")) {
            return SourceKeys.of(rs.getMetaData());
        }
    }

    /** Rows whose key is NULL: keyset pagination never reaches them. */
    public long nullKeys(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + from + " WHERE " + key + " IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Up to {@code segments - 1} keys splitting the rows into parts of about equal size, ascending
     * and distinct: one count, then one {@code OFFSET} read per boundary, each starting at the one
     * before, so the index is walked about twice in all.
     */
    public List<String> boundaries(Connection c, SourceKeys kind, int segments) throws SQLException {
        long count;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + from + " WHERE " + key + " IS NOT NULL")) {
            rs.next();
            count = rs.getLong(1);
        }
        List<String> out = new ArrayList<>();
        long step = Math.max(1, (count + segments - 1) / segments);
        String previous = null;
        for (int i = 1; i < segments && (long) i * step < count; i++) {
            String sql = "SELECT " + key + " FROM " + from + " WHERE " + key
                    + (previous == null ? " IS NOT NULL" : " >= ?") + " ORDER BY " + key + " LIMIT 1 OFFSET ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                if (previous != null) {
                    kind.bind(ps, p++, previous);
                }
                ps.setLong(p, step);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        break;
                    }
                    String boundary = kind.read(rs, 1);
                    if (boundary == null || boundary.equals(previous)) {
                        break;
                    }
                    out.add(boundary);
                    previous = boundary;
                }
            }
        }
        return out;
    }

    /**
     * A page: rows with keys in {@code [lower, upper)} (either bound may be null: open), or, after a
     * token, in {@code (after, upper)}.
     */
    public PreparedStatement page(
            Connection c,
            SourceKeys kind,
            @Nullable String lower,
            @Nullable String after,
            @Nullable String upper,
            int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM ")
                .append(from)
                .append(" WHERE ")
                .append(key);
        if (after != null) {
            sql.append(" > ?");
        } else if (lower != null) {
            sql.append(" >= ?");
        } else {
            sql.append(" IS NOT NULL");
        }
        if (upper != null) {
            sql.append(" AND ").append(key).append(" < ?");
        }
        sql.append(" ORDER BY ").append(key).append(" LIMIT ?");
        PreparedStatement ps = c.prepareStatement(sql.toString());
        try {
            int p = 1;
            if (after != null) {
                kind.bind(ps, p++, after);
            } else if (lower != null) {
                kind.bind(ps, p++, lower);
            }
            if (upper != null) {
                kind.bind(ps, p++, upper);
            }
            ps.setInt(p, limit);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
