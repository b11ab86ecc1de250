package dev.cutover.benchmarks.replication;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/** The plain inserts of a batch: no condition, no {@code RETURNING}, in auto-commit like the target. */
enum PlainInsert {
    /** One multi-row {@code INSERT ... VALUES (...), (...)}: the target's statement without its conflict clause. */
    VALUES("multi-row INSERT ... VALUES") {
        @Override
        void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
                throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(valuesSql(table, n))) {
                OffsetDateTime now = now();
                int p = 1;
                for (int i = 0; i < n; i++) {
                    ps.setString(p++, keys[i]);
                    ps.setInt(p++, bucket(keys[i]));
                    ps.setLong(p++, versions[i]);
                    ps.setBoolean(p++, false);
                    ps.setString(p++, payloads[i]);
                    ps.setObject(p++, now);
                }
                ps.executeUpdate();
            }
        }
    },
    /** {@code addBatch}/{@code executeBatch} of a one-row insert; pgJDBC rewrites it into multi-row inserts. */
    REWRITTEN_BATCH("JDBC batch, reWriteBatchedInserts=true") {
        @Override
        void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
                throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(valuesSql(table, 1))) {
                OffsetDateTime now = now();
                for (int i = 0; i < n; i++) {
                    ps.setString(1, keys[i]);
                    ps.setInt(2, bucket(keys[i]));
                    ps.setLong(3, versions[i]);
                    ps.setBoolean(4, false);
                    ps.setString(5, payloads[i]);
                    ps.setObject(6, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    },
    /** One {@code INSERT ... SELECT ... FROM unnest(?, ?, ?, ?)} of four arrays: a statement of constant size. */
    UNNEST("INSERT ... SELECT FROM unnest(arrays)") {
        @Override
        void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
                throws SQLException {
            Integer[] buckets = new Integer[n];
            Long[] v = new Long[n];
            for (int i = 0; i < n; i++) {
                buckets[i] = bucket(keys[i]);
                v[i] = versions[i];
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " " + PLAIN_COLUMNS
                    + " SELECT k, b, v, FALSE, CAST(p AS jsonb), ? FROM unnest(CAST(? AS text[]), CAST(? AS int[]),"
                    + " CAST(? AS bigint[]), CAST(? AS text[])) AS u(k, b, v, p)")) {
                ps.setObject(1, now());
                ps.setArray(2, c.createArrayOf("text", Arrays.copyOf(keys, n)));
                ps.setArray(3, c.createArrayOf("int4", buckets));
                ps.setArray(4, c.createArrayOf("int8", v));
                ps.setArray(5, c.createArrayOf("text", Arrays.copyOf(payloads, n)));
                ps.executeUpdate();
            }
        }
    };

    final String label;

    PlainInsert(String label) {
        this.label = label;
    }

    /** Inserts rows {@code 0} to {@code n - 1}; {@code table} is quoted. */
    abstract void insert(Connection c, String table, String[] keys, long[] versions, String[] payloads, int n)
            throws SQLException;

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }

    /** The columns of the target's table, in the order the plain inserts bind them. */
    static final String PLAIN_COLUMNS = "(entity_key, bucket, version, deleted, payload, applied_at)";

    private static final String PLAIN_ROW = "(?, ?, ?, ?, CAST(? AS jsonb), ?)";
    private static final Map<String, String> VALUES_SQL = new HashMap<>();

    private static synchronized String valuesSql(String table, int n) {
        return VALUES_SQL.computeIfAbsent(table + "/" + n, k -> {
            StringBuilder b = new StringBuilder("INSERT INTO ")
                    .append(table)
                    .append(' ')
                    .append(PLAIN_COLUMNS)
                    .append(" VALUES ");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ", ").append(PLAIN_ROW);
            }
            return b.toString();
        });
    }

    /** The target's bucket of a key: CRC-32C of its UTF-8 bytes modulo 1024. */
    static int bucket(String key) {
        CRC32C crc = new CRC32C();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 1024);
    }
}
