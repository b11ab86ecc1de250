package dev.cutover.replication.internal.jdbc;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.internal.SegmentLayouts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint table of {@code JdbcCheckpointStore}: borrowing connections, and creating the
 * table and its rows, safely when many processes start at once. Stateless apart from its immutable
 * configuration, so thread-safe.
 */
public final class CheckpointTable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointTable.class);
    /** SQL states of a missing table: PostgreSQL's, then MySQL's, MariaDB's and H2's. */
    private static final Set<String> MISSING_TABLE = Set.of("42P01", "42S02");

    /** Work on one borrowed connection. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final CheckpointSql sql;
    private final int maxOwnerLength;
    private final int maxTokenLength;

    public CheckpointTable(DataSource dataSource, CheckpointSql sql, int maxOwnerLength, int maxTokenLength) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.maxOwnerLength = maxOwnerLength;
        this.maxTokenLength = maxTokenLength;
    }

    /** Runs on one borrowed connection; commits (or rolls back) when it was lent without auto-commit. */
    public <T> T call(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (c.getAutoCommit()) {
                return work.run(c);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
        }
    }

    /** The DDL for this database; borrows a connection to detect the dialect. */
    public List<String> schema() throws SQLException {
        SqlDialect dialect = SqlDialect.of(call(c -> c.getMetaData().getDatabaseProductName()));
        return CheckpointSql.schema(dialect, sql.table, maxOwnerLength, maxTokenLength);
    }

    /**
     * Creates the table if missing and a row per missing segment, each recording the segment count
     * and the layout; checks that every row has this count and layout.
     *
     * <p>Concurrent first preparers agree because segment 0's row is inserted first, by exactly one
     * of them, and nobody inserts another row before checking that every row present has its count
     * and layout: so every row carries segment 0's, and a preparer with another count or layout is
     * refused before it inserts anything.
     */
    public void prepare(int segments, String layout, long nowMillis) throws SQLException {
        createTableIfMissing();
        Set<Integer> present = new HashSet<>(call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.existing);
                    ResultSet rs = ps.executeQuery()) {
                List<Integer> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
                return out;
            }
        }));
        if (!present.contains(0)) {
            insert(0, segments, layout, nowMillis);
        }
        checkShape(segments, layout, false);
        for (int segment = 1; segment < segments; segment++) {
            if (!present.contains(segment)) {
                insert(segment, segments, layout, nowMillis);
            }
        }
        checkShape(segments, layout, true);
    }

    /** The layout recorded with segment 0; empty when the table or the row is missing. */
    public Optional<String> layout() throws SQLException {
        try {
            return call(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.layout);
                        ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            });
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && MISSING_TABLE.contains(state)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void createTableIfMissing() throws SQLException {
        List<String> ddl = schema();
        SQLException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                call(c -> {
                    try (Statement s = c.createStatement()) {
                        for (String statement : ddl) {
                            s.execute(statement);
                        }
                    }
                    return null;
                });
                return;
            } catch (SQLException e) {
                // PostgreSQL: two CREATE TABLE IF NOT EXISTS racing can fail on its catalog's unique index
                last = e;
            }
        }
        try {
            call(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.shape);
                        ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            });
            LOG.debug("creating {} raced with another process; the table is usable", sql.table, last);
        } catch (SQLException e) {
            last.addSuppressed(e);
            throw last;
        }
    }

    private void insert(int segment, int segments, String layout, long nowMillis) throws SQLException {
        try {
            call(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.insert)) {
                    ps.setInt(1, segment);
                    ps.setInt(2, segments);
                    ps.setString(3, layout);
                    ps.setLong(4, nowMillis);
                    return ps.executeUpdate();
                }
            });
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state == null || !state.startsWith("23")) {
                throw e;
            }
            // an integrity violation: another process inserted this segment first
        }
    }

    private void checkShape(int segments, String layout, boolean complete) throws SQLException {
        Shape shape = call(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.shape);
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Shape(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5));
            }
        });
        if (shape.rows() == 0 && !complete) {
            return;
        }
        boolean sameCount = shape.minSegments() == segments
                && shape.maxSegments() == segments
                && (!complete || shape.rows() == segments);
        if (!sameCount || !layout.equals(shape.minLayout()) || !layout.equals(shape.maxLayout())) {
            long other = shape.minSegments() != segments
                    ? shape.minSegments()
                    : shape.maxSegments() != segments ? shape.maxSegments() : shape.rows();
            String stored = layout.equals(shape.minLayout()) ? shape.maxLayout() : shape.minLayout();
            throw SegmentLayouts.mismatch(sql.table, other, String.valueOf(stored), segments, layout);
        }
    }

    /** What the table holds: its row count, and the least and greatest segment count and layout. */
    private record Shape(
            long rows,
            long minSegments,
            long maxSegments,
            @Nullable String minLayout,
            @Nullable String maxLayout) {}
}
