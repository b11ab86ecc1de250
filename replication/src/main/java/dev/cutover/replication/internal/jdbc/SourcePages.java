package dev.cutover.replication.internal.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.jdbc.JdbcRowMapper;
import dev.cutover.replication.spi.SegmentedSource.Page;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads pages of a JDBC source's segments: keyset reads between the segment's boundary keys,
 * rows turned into upserts or rejected (returned with the page, and told to the source). A token
 * is {@code "<segment>:<fingerprint>:<last key>"}; the fingerprint (CRC-32 of the source and its
 * boundaries) rejects tokens of a source split differently. Thread-safe: each read borrows its own connection.
 */
public final class SourcePages {
    private final DataSource dataSource;
    private final SourceSql sql;
    private final SourceKeys kind;
    private final List<String> boundaries;
    private final String fingerprint;
    private final @Nullable String versionColumn;
    private final @Nullable HybridLogicalClock clock;
    private final JdbcRowMapper mapper;
    private final BiConsumer<String, String> rejector;
    private final String keyColumn;

    public SourcePages(
            DataSource dataSource,
            SourceSql sql,
            SourceKeys kind,
            List<String> boundaries,
            String identity,
            String keyColumn,
            @Nullable String versionColumn,
            @Nullable HybridLogicalClock clock,
            JdbcRowMapper mapper,
            BiConsumer<String, String> rejector) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.kind = kind;
        this.boundaries = boundaries;
        this.versionColumn = versionColumn;
        this.clock = clock;
        this.mapper = mapper;
        this.rejector = rejector;
        this.keyColumn = keyColumn;
        CRC32 crc = new CRC32();
        crc.update(identity.getBytes(StandardCharsets.UTF_8));
        for (String b : boundaries) {
            crc.update(0);
            crc.update(b.getBytes(StandardCharsets.UTF_8));
        }
        this.fingerprint = String.format("%08x", crc.getValue());
    }

    public Page readPage(int segment, @Nullable String token, int limit) throws SQLException {
        String after = token == null ? null : keyOf(segment, token);
        String lower = segment == 0 ? null : boundaries.get(segment - 1);
        String upper = segment == boundaries.size() ? null : boundaries.get(segment);
        List<Change> rows = new ArrayList<>();
        List<SourceRejection> rejected = new ArrayList<>();
        String last = null;
        int scanned = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = sql.page(c, kind, lower, after, upper, limit);
                ResultSet rs = ps.executeQuery()) {
            int keyIndex = rs.findColumn(keyColumn);
            int versionIndex = versionColumn == null ? 0 : rs.findColumn(versionColumn);
            while (rs.next()) {
                scanned++;
                String key = Objects.requireNonNull(kind.read(rs, keyIndex), "key"); // the WHERE excludes NULL keys
                last = key;
                Change change = change(rs, key, versionIndex, rejected);
                if (change != null) {
                    rows.add(change);
                }
            }
            if (!c.getAutoCommit()) {
                c.commit(); // end the read's transaction on a pool lending connections without auto-commit
            }
        }
        return new Page(rows, rejected, scanned == limit ? segment + ":" + fingerprint + ":" + last : null);
    }

    private @Nullable Change change(ResultSet rs, String key, int versionIndex, List<SourceRejection> rejected)
            throws SQLException {
        String bad = Keys.unstorable(key);
        if (bad != null || key.isEmpty() || key.length() > Change.MAX_KEY_LENGTH) {
            return reject(
                    rejected,
                    key,
                    "key "
                            + (bad != null
                                    ? bad
                                    : "has " + key.length() + " characters, not 1 to " + Change.MAX_KEY_LENGTH));
        }
        long version;
        if (versionIndex > 0) {
            try {
                version = rs.getLong(versionIndex);
            } catch (SQLException e) {
                rethrowIfTheReadFailed(e);
                return reject(
                        rejected,
                        key,
                        "version column " + versionColumn + " cannot be read as an integer: " + describe(e));
            }
            boolean isNull = rs.wasNull();
            if (isNull || version < 1) {
                return reject(
                        rejected,
                        key,
                        "version column " + versionColumn + " is " + (isNull ? "NULL" : version + ", below 1"));
            }
        } else {
            version = Objects.requireNonNull(clock).next();
        }
        JsonNode payload;
        try {
            payload = mapper.map(rs);
        } catch (SQLException e) {
            rethrowIfTheReadFailed(e);
            return reject(rejected, key, "payload cannot be read: " + describe(e));
        } catch (RuntimeException e) {
            return reject(
                    rejected,
                    key,
                    "payload cannot be read: the row mapper threw "
                            + e.getClass().getName());
        }
        if (payload == null) {
            return reject(rejected, key, "payload cannot be read: the row mapper returned null");
        }
        return Change.upsert(key, version, payload);
    }

    private @Nullable Change reject(List<SourceRejection> rejected, String key, String reason) {
        rejected.add(new SourceRejection(key, reason));
        rejector.accept(key, reason);
        return null;
    }

    /**
     * Rethrows a failure of the read itself (the connection or the statement: SQLSTATE class 08, a
     * transient or recoverable failure), which must fail the page; what is left is a value that
     * cannot be converted, which rejects its row.
     */
    private static void rethrowIfTheReadFailed(SQLException e) throws SQLException {
        String state = e.getSQLState();
        if (e instanceof SQLTransientException
                || e instanceof SQLRecoverableException
                || e instanceof SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"))) {
            throw e;
        }
    }

    /**
     * What a conversion failure says without the row's data: the message of one without SQLSTATE (a
     * row mapper's own, such as "column doc does not hold JSON (line 1, column 2)"); the type and
     * SQLSTATE of a driver's, whose message may quote the value.
     */
    private static String describe(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        }
        return e.getClass().getName() + " (SQLSTATE " + state + ")";
    }

    private String keyOf(int segment, String token) {
        String[] parts = token.split(":", 3);
        if (parts.length != 3
                || !parts[0].equals(Integer.toString(segment))
                || !parts[1].equals(fingerprint)
                || !kind.accepts(parts[2])) {
            throw new IllegalArgumentException("token " + Keys.escape(token) + " was not issued for segment " + segment
                    + " of this source (fingerprint " + fingerprint + "); a token from a source with other boundaries"
                    + " cannot resume: build the source with .boundaries(...) of the run that wrote it");
        }
        return parts[2];
    }
}
