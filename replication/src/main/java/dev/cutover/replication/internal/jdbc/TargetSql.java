package dev.cutover.replication.internal.jdbc;

import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.internal.Keys;
import dev.cutover.replication.jdbc.JdbcPayloadColumns;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Every statement of the JDBC target, built from its validated table name and payload columns,
 * and the binding of keys and timestamps, which differs by dialect. Values are {@code ?}
 * parameters: nothing a change carries is concatenated in.
 *
 * <p>Columns, in this order: {@code entity_key, bucket, version, deleted, <payload columns>,
 * applied_at}. MySQL keeps the key as {@code VARBINARY(3072)} (its UTF-8 bytes): a {@code VARCHAR}
 * key would compare under a collation that pads spaces or folds case, making two keys one, and
 * a 1,024-character utf8mb4 key exceeds InnoDB's 3,072-byte index limit, which 1,024 UTF-16
 * characters never do as UTF-8. PostgreSQL orders keys by {@code COLLATE "C"} (code points).
 *
 * <p>On PostgreSQL the primary key is {@code (bucket, entity_key)}, the table's only index: the
 * segment pages and the purge read it by bucket, and every statement that finds a row by its key
 * gives the key's bucket too ({@link #bindLookup}), which the key decides, so a key is stored at
 * most once. One index instead of a primary key on {@code entity_key} plus a segment index halves
 * the index entries every insert and every update that moves a row write. MySQL/MariaDB and H2
 * keep the primary key on {@code entity_key} and a segment index.
 */
public final class TargetSql {
    public final SqlDialect dialect;
    public final String table;
    public final JdbcPayloadColumns payload;
    /** Whether the primary key is {@code (bucket, entity_key)} (PostgreSQL): lookups give the bucket. */
    final boolean bucketedKey;
    /** The table's fill factor in percent (PostgreSQL); 100 is the default and adds nothing to the DDL. */
    private final int fillFactor;

    final int payloadCount;
    final String readOne;
    final String update;
    /** {@link #readOne} taking the row's lock: the read of {@link TargetReplace}. */
    final String readOneForUpdate;
    /** The update of {@link TargetReplace}: same key, same version, new content. */
    final String replace;

    final String pageFirst;
    final String pageAfter;
    /** Every row, in no order: a reconciliation's pass over all segments, a sequential scan. */
    final String scanAll;
    /** The rows of a range of buckets, in no order: a pass over some segments, a bitmap or sequential scan. */
    final String scanBuckets;

    final String purgeBucket;
    /** The target's JDBC batches: one, so a driver hiding update counts is detected and logged once. */
    final ExactBatch batches;

    private final String readVersionsPrefix;
    /**
     * PostgreSQL: {@code SELECT entity_key, version} of the keys of two arrays (buckets, keys),
     * joined on the primary key; null elsewhere ({@link #readVersions(int)}).
     */
    final @Nullable String readVersionsArrays;

    private final String insertPrefix;
    private final String row;
    private final String upsertSuffix;
    /**
     * PostgreSQL with the default JSON payload column: the conditional upsert of a whole run as one
     * statement of constant text over arrays ({@code unnest}), so the server plans it once per
     * connection and parses five array parameters instead of six per row; null elsewhere.
     */
    final @Nullable String upsertArrays;
    /**
     * The same rows as {@link #upsertArrays} in a plain {@code INSERT}: every row lands, or the
     * statement fails on a key already stored and nothing does. Null where {@code upsertArrays} is.
     */
    final @Nullable String insertArrays;
    /**
     * The same rows as {@link #upsertArrays}, for keys already stored: one statement whose {@code
     * UPDATE ... FROM unnest(...) WHERE cur.version < u.v} writes the changes newer than their row
     * (returned as {@code (key, TRUE, NULL)}) and which returns every other key with the version
     * its snapshot holds ({@code (key, FALSE, version)}, the version NULL when the key is not
     * stored). It inserts nothing. Null where {@code upsertArrays} is.
     */
    final @Nullable String updateArrays;

    /**
     * @param fillFactor the table's fill factor in percent, 10 to 100 (PostgreSQL only; 100 elsewhere)
     */
    public TargetSql(SqlDialect dialect, String tableName, JdbcPayloadColumns payload, int fillFactor) {
        if (fillFactor < 10 || fillFactor > 100 || (fillFactor != 100 && dialect != SqlDialect.POSTGRESQL)) {
            throw new IllegalArgumentException("fill factor " + fillFactor + " on " + dialect);
        }
        this.dialect = dialect;
        this.table = quote(dialect, tableName);
        this.payload = payload;
        this.bucketedKey = dialect == SqlDialect.POSTGRESQL;
        this.fillFactor = fillFactor;
        this.batches = new ExactBatch(table);
        List<String> cols = payload.columns();
        this.payloadCount = cols.size();
        String payloadList = String.join(", ", cols);
        String byKey = bucketedKey ? " WHERE bucket = ? AND entity_key = ?" : " WHERE entity_key = ?";
        readOne = "SELECT version, deleted, " + payloadList + " FROM " + table + byKey;
        readVersionsArrays = bucketedKey
                ? "SELECT cur.entity_key, cur.version FROM unnest(CAST(? AS int2[]), CAST(? AS text[])) AS u(b, k)"
                        + " JOIN " + table + " AS cur ON cur.bucket = u.b AND cur.entity_key = u.k COLLATE \"C\""
                : null;
        readVersionsPrefix = "SELECT entity_key, version FROM " + table + " WHERE entity_key IN (";
        StringJoiner set = new StringJoiner(", ");
        set.add("version = ?").add("deleted = ?");
        StringJoiner rowValues = new StringJoiner(", ", "(", ")");
        rowValues.add("?").add("?").add("?").add("?");
        StringJoiner excluded = new StringJoiner(", ");
        excluded.add("version = EXCLUDED.version").add("deleted = EXCLUDED.deleted");
        for (String c : cols) {
            String p = payload.placeholder(c, dialect);
            set.add(c + " = " + p);
            rowValues.add(p);
            excluded.add(c + " = EXCLUDED." + c);
        }
        set.add("applied_at = ?");
        rowValues.add("?");
        excluded.add("applied_at = EXCLUDED.applied_at");
        update = "UPDATE " + table + " SET " + set + " WHERE entity_key = ? AND version < ?";
        readOneForUpdate = readOne + " FOR UPDATE";
        replace = "UPDATE " + table + " SET " + set + byKey + " AND version = ? AND deleted = FALSE";
        row = rowValues.toString();
        insertPrefix = "INSERT INTO " + table + (dialect == SqlDialect.POSTGRESQL ? " AS cur" : "")
                + " (entity_key, bucket, version, deleted, " + payloadList + ", applied_at) VALUES ";
        upsertSuffix = " ON CONFLICT (bucket, entity_key) DO UPDATE SET " + excluded
                + " WHERE cur.version < EXCLUDED.version RETURNING entity_key";
        insertArrays = dialect == SqlDialect.POSTGRESQL && payload instanceof JsonPayloadColumn
                ? insertPrefix.substring(0, insertPrefix.length() - " VALUES ".length())
                        + " SELECT k, b, v, d, CAST(p AS jsonb), CAST(? AS timestamptz) FROM unnest(CAST(? AS text[]),"
                        + " CAST(? AS int2[]), CAST(? AS int8[]), CAST(? AS bool[]), CAST(? AS text[])) AS u(k, b, v, d, p)"
                : null;
        upsertArrays = insertArrays == null ? null : insertArrays + upsertSuffix;
        updateArrays = insertArrays == null ? null : updateArrays(table, cols.get(0));
        String select = "SELECT entity_key, version, deleted, " + payloadList + " FROM " + table;
        String order = " ORDER BY bucket, entity_key LIMIT ?";
        pageFirst = select + " WHERE bucket >= ? AND bucket < ?" + order;
        scanAll = select;
        scanBuckets = select + " WHERE bucket >= ? AND bucket < ?";
        pageAfter = dialect == SqlDialect.POSTGRESQL
                ? select + " WHERE (bucket, entity_key) > (?, ?) AND bucket < ?" + order
                : select + " WHERE ((bucket = ? AND entity_key > ?) OR (bucket > ? AND bucket < ?))" + order;
        purgeBucket = "DELETE FROM " + table + " WHERE bucket = ? AND deleted = TRUE AND applied_at < ?";
    }

    /**
     * {@link #updateArrays}: the keys carry the key column's collation ({@code "C"}) and their
     * buckets, so both joins compare as the primary key {@code (bucket, entity_key)} does and read it.
     */
    private static String updateArrays(String table, String payloadColumn) {
        return "WITH u AS (SELECT CAST(? AS timestamptz) AS t, k COLLATE \"C\" AS k, b, v, d, p"
                + " FROM unnest(CAST(? AS text[]), CAST(? AS int2[]), CAST(? AS int8[]), CAST(? AS bool[]),"
                + " CAST(? AS text[])) AS a(k, b, v, d, p)),"
                + " w AS (UPDATE " + table + " AS cur SET version = u.v, deleted = u.d, " + payloadColumn
                + " = CAST(u.p AS jsonb), applied_at = u.t FROM u"
                + " WHERE cur.bucket = u.b AND cur.entity_key = u.k AND cur.version < u.v"
                + " RETURNING cur.entity_key)"
                + " SELECT w.entity_key, TRUE, CAST(NULL AS int8) FROM w"
                + " UNION ALL SELECT u.k, FALSE, cur.version FROM u LEFT JOIN " + table
                + " AS cur ON cur.bucket = u.b AND cur.entity_key = u.k"
                + " WHERE NOT EXISTS (SELECT 1 FROM w WHERE w.entity_key = u.k)";
    }

    /** {@code SELECT entity_key, version} of {@code n} keys (MySQL/MariaDB and H2). */
    String readVersions(int n) {
        return readVersionsPrefix + "?, ".repeat(n - 1) + "?)";
    }

    /** A multi-row insert of {@code n} rows; on PostgreSQL the conditional upsert returning the keys it wrote. */
    String insert(int n, boolean upsert) {
        StringBuilder sql = new StringBuilder(insertPrefix);
        for (int i = 0; i < n; i++) {
            sql.append(i == 0 ? "" : ", ").append(row);
        }
        return upsert ? sql.append(upsertSuffix).toString() : sql.toString();
    }

    /** Parameters per inserted row. */
    int rowParameters() {
        return 5 + payloadCount;
    }

    /**
     * Binds the lookup of one row by its key from {@code index} on: the key's bucket, then the key,
     * where the primary key is {@code (bucket, entity_key)}; the key alone elsewhere. Returns the
     * next index.
     */
    int bindLookup(PreparedStatement ps, int index, String key) throws SQLException {
        int p = index;
        if (bucketedKey) {
            ps.setInt(p++, Keys.bucket(key));
        }
        bindKey(ps, p++, key);
        return p;
    }

    void bindKey(PreparedStatement ps, int index, String key) throws SQLException {
        if (dialect == SqlDialect.MYSQL) {
            ps.setBytes(index, key.getBytes(StandardCharsets.UTF_8));
        } else {
            ps.setString(index, key);
        }
    }

    String readKey(ResultSet rs, int index) throws SQLException {
        if (dialect == SqlDialect.MYSQL) {
            return new String(rs.getBytes(index), StandardCharsets.UTF_8);
        }
        return rs.getString(index);
    }

    void bindInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
        ps.setObject(index, timestamp(at));
    }

    /** The value bound for {@code applied_at}: computed once per statement, bound to every row. */
    Object timestamp(Instant at) {
        Instant ms = at.truncatedTo(ChronoUnit.MILLIS);
        // MySQL's DATETIME holds what it is given: always UTC, whatever the session time zone
        return dialect == SqlDialect.MYSQL
                ? LocalDateTime.ofInstant(ms, ZoneOffset.UTC)
                : OffsetDateTime.ofInstant(ms, ZoneOffset.UTC);
    }

    /**
     * The DDL that creates the table (and, on MySQL/MariaDB and H2, its segment index) if missing,
     * one statement per element.
     */
    public List<String> schema(String tableName) {
        String index = quote(dialect, tableName + "_segments");
        List<String> columns = new ArrayList<>();
        columns.add(
                switch (dialect) {
                    case POSTGRESQL -> "entity_key VARCHAR(1024) COLLATE \"C\" NOT NULL";
                    case MYSQL -> "entity_key VARBINARY(3072) NOT NULL PRIMARY KEY";
                    case H2 -> "entity_key VARCHAR(1024) NOT NULL PRIMARY KEY";
                });
        columns.add("bucket SMALLINT NOT NULL");
        columns.add("version BIGINT NOT NULL");
        columns.add("deleted BOOLEAN NOT NULL");
        columns.addAll(payload.definitions(dialect));
        columns.add("applied_at " + (dialect == SqlDialect.MYSQL ? "DATETIME(3)" : "TIMESTAMP(3) WITH TIME ZONE")
                + " NOT NULL");
        if (bucketedKey) {
            columns.add("PRIMARY KEY (bucket, entity_key)");
        }
        String body = "CREATE TABLE IF NOT EXISTS " + table + " (\n  " + String.join(",\n  ", columns);
        if (dialect == SqlDialect.MYSQL) {
            // InnoDB appends the primary key to a secondary index: (bucket) is ordered by (bucket, entity_key)
            return List.of(body + ",\n  INDEX " + index + " (bucket)\n) ENGINE=InnoDB ROW_FORMAT=DYNAMIC"
                    + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
        }
        if (bucketedKey) {
            return List.of(body + "\n)" + (fillFactor == 100 ? "" : " WITH (fillfactor = " + fillFactor + ")"));
        }
        return List.of(body + "\n)", "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (bucket, entity_key)");
    }

    /** Quotes an identifier that has already been validated. */
    public static String quote(SqlDialect dialect, String identifier) {
        char q = dialect == SqlDialect.MYSQL ? '`' : '"';
        return q + identifier + q;
    }
}
