package dev.cutover.replication.backfill;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.SegmentedSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A minimal old store on PostgreSQL for these tests (the library's own JDBC source is written
 * elsewhere): one table, a segment number per row (hash of the key), keyset pagination within a
 * segment on the primary key in byte order, the row's version column read with the row. The token
 * is the last key read.
 */
final class PostgresOldStore implements SegmentedSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final String table;
    private final int segments;

    PostgresOldStore(DataSource dataSource, String table, int segments) throws Exception {
        this.dataSource = dataSource;
        this.table = table;
        this.segments = segments;
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id VARCHAR(200) COLLATE \"C\" PRIMARY KEY, seg INT NOT NULL,"
                    + " version BIGINT NOT NULL, body TEXT NOT NULL)");
            s.execute("CREATE INDEX " + table + "_seg ON " + table + " (seg, id)");
        }
    }

    /** Inserts upserts (this store keeps no tombstones). */
    void insert(List<Change> rows) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO " + table + " (id, seg, version, body) VALUES (?, ?, ?, ?)")) {
            for (Change row : rows) {
                ps.setString(1, row.key());
                ps.setInt(2, Math.floorMod(row.key().hashCode(), segments));
                ps.setLong(3, row.version());
                ps.setString(4, JSON.writeValueAsString(row.payload()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public int segments() {
        return segments;
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
        if (segment < 0 || segment >= segments) {
            throw new IllegalArgumentException("segment must be 0 to " + (segments - 1) + " but was " + segment);
        }
        String sql = "SELECT id, version, body FROM " + table + " WHERE seg = ?" + (token == null ? "" : " AND id > ?")
                + " ORDER BY id LIMIT ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setInt(i++, segment);
            if (token != null) {
                ps.setString(i++, token);
            }
            ps.setInt(i, limit);
            List<Change> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(Change.upsert(rs.getString(1), rs.getLong(2), JSON.readTree(rs.getString(3))));
                }
            }
            return new Page(
                    rows, rows.size() < limit ? null : rows.get(rows.size() - 1).key());
        }
    }

    @Override
    public String describe() {
        return "PostgreSQL table " + table;
    }
}
