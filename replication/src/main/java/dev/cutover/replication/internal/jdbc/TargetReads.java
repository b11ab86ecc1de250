package dev.cutover.replication.internal.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.Change;
import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.spi.SegmentScan;
import dev.cutover.replication.spi.SegmentedSource.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The reads of the JDBC target (one key, a segment page) and the tombstone purge. A segment is a
 * range of buckets; a page is one index range read on {@code (bucket, entity_key)}, resumed after
 * the last key read. Thread-safe: every call borrows its own connection.
 */
public final class TargetReads {
    /** Buckets purged per transaction. */
    private static final int PURGE_BUCKETS_PER_TRANSACTION = 128;

    private final DataSource dataSource;
    private final TargetSql sql;
    private final int segments;

    public TargetReads(DataSource dataSource, TargetSql sql, int segments) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.segments = segments;
    }

    public Optional<Change> read(String key) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return Transactions.inAutoCommit(c, () -> {
                try (PreparedStatement ps = c.prepareStatement(sql.readOne)) {
                    sql.bindLookup(ps, 1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        return Optional.of(change(key, rs.getLong(1), rs.getBoolean(2), rs, 3));
                    }
                }
            });
        }
    }

    public Page page(int segment, @Nullable String token, int limit) throws SQLException {
        int first = Keys.firstBucket(segment, segments);
        int end = Keys.firstBucket(segment + 1, segments);
        if (token != null) {
            int bucket = Keys.bucket(token);
            if (token.isEmpty() || bucket < first || bucket >= end || Keys.unstorable(token) != null) {
                throw new IllegalArgumentException("token " + Keys.escape(token) + " was not issued for segment "
                        + segment + " of " + segments + " of " + sql.table);
            }
        }
        try (Connection c = dataSource.getConnection()) {
            return Transactions.inAutoCommit(c, () -> {
                try (PreparedStatement ps = c.prepareStatement(token == null ? sql.pageFirst : sql.pageAfter)) {
                    int p = 1;
                    if (token == null) {
                        ps.setInt(p++, first);
                        ps.setInt(p++, end);
                    } else if (sql.dialect == SqlDialect.POSTGRESQL) {
                        ps.setInt(p++, Keys.bucket(token));
                        sql.bindKey(ps, p++, token);
                        ps.setInt(p++, end);
                    } else {
                        ps.setInt(p++, Keys.bucket(token));
                        sql.bindKey(ps, p++, token);
                        ps.setInt(p++, Keys.bucket(token));
                        ps.setInt(p++, end);
                    }
                    ps.setInt(p, limit);
                    List<Change> rows = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(change(sql.readKey(rs, 1), rs.getLong(2), rs.getBoolean(3), rs, 4));
                        }
                    }
                    String next =
                            rows.size() == limit ? rows.get(rows.size() - 1).key() : null;
                    return new Page(rows, next);
                }
            });
        }
    }

    /**
     * Reads segments {@code from} to {@code to} (exclusive) in one statement without order, so the
     * server reads the table's pages in their physical order (a sequential scan of the whole table,
     * a bitmap scan of a part) instead of visiting a heap page per row as the {@code (bucket,
     * entity_key)} order of {@link #page} does on a table written in key order. The rows come in
     * pages of {@code limit}, fetched by a cursor ({@code setFetchSize}) inside one read-only
     * transaction: one snapshot, each row once. PostgreSQL only (pgJDBC fetches by cursor there).
     */
    public void scan(int from, int to, int limit, SegmentScan.Pages pages) throws SQLException, InterruptedException {
        int first = Keys.firstBucket(from, segments);
        int end = Keys.firstBucket(to, segments);
        boolean all = first == 0 && end == Keys.BUCKETS;
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                if (autoCommit) {
                    c.setAutoCommit(false); // pgJDBC fetches by cursor only inside a transaction
                } else {
                    c.rollback(); // a lent connection should hold no work; never commit someone else's
                }
                try (PreparedStatement ps = c.prepareStatement(all ? sql.scanAll : sql.scanBuckets)) {
                    ps.setFetchSize(limit);
                    if (!all) {
                        ps.setInt(1, first);
                        ps.setInt(2, end);
                    }
                    List<Change> rows = new ArrayList<>(limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(change(sql.readKey(rs, 1), rs.getLong(2), rs.getBoolean(3), rs, 4));
                            if (rows.size() == limit) {
                                pages.accept(new Page(rows, null));
                                rows = new ArrayList<>(limit);
                            }
                        }
                    }
                    if (!rows.isEmpty()) {
                        pages.accept(new Page(rows, null));
                    }
                }
            } finally {
                Transactions.rollbackQuietly(c); // it only read
                Transactions.restore(c, autoCommit);
            }
        }
    }

    /** The change a row holds; the payload from column {@code payloadColumn} on. */
    Change change(String key, long version, boolean deleted, ResultSet rs, int payloadColumn) throws SQLException {
        try {
            if (deleted) {
                return Change.delete(key, version);
            }
            JsonNode payload = sql.dialect == SqlDialect.POSTGRESQL && sql.payload instanceof JsonPayloadColumn json
                    ? json.readUtf8(rs, payloadColumn) // jsonb text as pgJDBC received it: no String in between
                    : sql.payload.read(rs, payloadColumn);
            return Change.upsert(key, version, payload);
        } catch (SQLException | IllegalArgumentException e) {
            throw new SQLException(
                    "row " + Keys.escape(key) + " of " + sql.table + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Deletes tombstones applied before {@code appliedBefore}, bucket by bucket; returns how many. */
    public long purge(Instant appliedBefore) throws SQLException {
        long purged = 0;
        try (Connection c = dataSource.getConnection()) {
            purged = Transactions.inAutoCommit(c, () -> {
                long n = 0;
                for (int from = 0; from < Keys.BUCKETS; from += PURGE_BUCKETS_PER_TRANSACTION) {
                    int base = from;
                    int[] counts = Transactions.inTransaction(
                            c,
                            () -> sql.batches.run(c, sql.purgeBucket, PURGE_BUCKETS_PER_TRANSACTION, (ps, k) -> {
                                ps.setInt(1, base + k);
                                sql.bindInstant(ps, 2, appliedBefore);
                            }));
                    for (int count : counts) {
                        n += count;
                    }
                }
                return n;
            });
        }
        return purged;
    }
}
