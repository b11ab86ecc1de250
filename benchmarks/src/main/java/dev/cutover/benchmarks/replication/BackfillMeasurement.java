package dev.cutover.benchmarks.replication;

import static dev.cutover.benchmarks.replication.PlainInsert.PLAIN_COLUMNS;
import static dev.cutover.benchmarks.replication.Rounds.rate;
import static dev.cutover.benchmarks.replication.Rounds.round;
import static dev.cutover.benchmarks.replication.Rounds.runRotated;
import static dev.cutover.benchmarks.replication.Rounds.seconds;
import static dev.cutover.benchmarks.replication.Rounds.unchecked;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Count;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Result;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Series;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillBuilder;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * (2) The {@link Backfill} from the old table into a fresh target against a raw copy (and {@code
 * INSERT ... SELECT} as an upper bound); then (3), on the last backfilled target, the {@link
 * ReconcileMeasurement}.
 */
final class BackfillMeasurement extends PostgresMeasurement {

    /** As the target reads payloads: integers as {@code long}. */
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    /** The plain insert form the raw copy writes with: the apply measurement's fastest. */
    private final PlainInsert fastest;

    BackfillMeasurement(PostgresMeasurement run, PlainInsert fastest) {
        super(run);
        this.fastest = fastest;
    }

    /**
     * (2) The backfill from the old table into a fresh target against a raw copy (and {@code
     * INSERT ... SELECT} as an upper bound); then (3) the reconciler between the old table and the
     * last backfilled target against a raw scan of both.
     */
    List<Result> run() throws Exception {
        createSource();
        JdbcSource source = JdbcSource.builder(pool)
                .table(SOURCE_TABLE)
                .keyColumn("id")
                .versionColumn("rev")
                .rowMapper(rs -> parse(rs.getString("doc")))
                .segments(ReplicationThroughput.SOURCE_SEGMENTS)
                .build();
        int total = s.warmupRounds() + s.rounds();
        double[] raw = new double[s.rounds()];
        double[] backfill = new double[s.rounds()];
        double[] checkpointed = new double[s.rounds()];
        double[] insertSelect = new double[s.rounds()];
        for (int r = 0; r < total; r++) {
            int round = r;
            double[] t = new double[4];
            List<Runnable> steps = new ArrayList<>(List.of(
                    unchecked(() -> t[0] = rawCopyRound("rt_copy_" + round)),
                    unchecked(() -> t[1] = backfillRound(source, "rt_backfill_" + round, false)),
                    unchecked(() -> t[2] = backfillRound(source, "rt_backfill_cp_" + round, true))));
            runRotated(steps, r);
            t[3] = insertSelectRound("rt_insert_select_" + r);
            log.printf(
                    Locale.ROOT,
                    "backfill %s: raw copy %s, Backfill %s, Backfill with JdbcCheckpointStore %s,"
                            + " INSERT ... SELECT %s%n",
                    round(r),
                    rate(s.rows(), t[0]),
                    rate(s.rows(), t[1]),
                    rate(s.rows(), t[2]),
                    rate(s.rows(), t[3]));
            if (r >= s.warmupRounds()) {
                int k = r - s.warmupRounds();
                raw[k] = t[0];
                backfill[k] = t[1];
                checkpointed[k] = t[2];
                insertSelect[k] = t[3];
            }
            if (r < total - 1) {
                drop("rt_backfill_" + r); // the last one stays, for the reconciliation
            }
        }
        Series rawSeries = new Series("keyset pages + plain insert (" + fastest.label + ")", s.rows(), raw);
        Series backfillSeries = new Series("Backfill", s.rows(), backfill);
        List<Result> out = new ArrayList<>();
        out.add(new Result("backfill", "rows", backfillSeries, rawSeries, 0.7));
        out.add(new Result(
                "backfill with JdbcCheckpointStore (same database)",
                "rows",
                new Series("Backfill + JdbcCheckpointStore", s.rows(), checkpointed),
                rawSeries,
                Double.NaN));
        out.add(new Result(
                "backfill against INSERT ... SELECT (upper bound, not a target)",
                "rows",
                backfillSeries,
                new Series("INSERT INTO ... SELECT ... FROM (one statement)", s.rows(), insertSelect),
                Double.NaN));
        String kept = "rt_backfill_" + (total - 1);
        out.addAll(new ReconcileMeasurement(this).run(source, target(kept)));
        drop(kept);
        return out;
    }

    private double rawCopyRound(String table) throws Exception {
        createPlain(table);
        checkpoint();
        long t0 = System.nanoTime();
        long copied = 0;
        String after = null;
        String select = "SELECT id, rev, doc FROM " + SOURCE_TABLE + " WHERE id > ? ORDER BY id LIMIT ?";
        String selectFirst = "SELECT id, rev, doc FROM " + SOURCE_TABLE + " ORDER BY id LIMIT ?";
        String[] keys = new String[s.batchSize()];
        long[] revs = new long[s.batchSize()];
        String[] docs = new String[s.batchSize()];
        while (true) {
            int n = 0;
            try (Connection c = pool.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(after == null ? selectFirst : select)) {
                    if (after != null) {
                        ps.setString(1, after);
                        ps.setInt(2, s.batchSize());
                    } else {
                        ps.setInt(1, s.batchSize());
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            keys[n] = rs.getString(1);
                            revs[n] = rs.getLong(2);
                            docs[n] = rs.getString(3);
                            n++;
                        }
                    }
                }
            }
            if (n > 0) {
                try (Connection c = poolFor(fastest).getConnection()) {
                    fastest.insert(c, q(table), keys, revs, docs, n);
                }
            }
            copied += n;
            if (n < s.batchSize()) {
                break;
            }
            after = keys[n - 1];
        }
        double seconds = seconds(t0);
        count(Count.RAW_COPY_ROWS, copied, s.rows());
        count(Count.RAW_COPY_ROWS, rowCount(q(table)), s.rows());
        drop(table);
        return seconds;
    }

    /**
     * A fresh target and the timed {@link Backfill} into it: one worker, pages of the batch size,
     * in-memory checkpoints (the default), or a {@link JdbcCheckpointStore} in the same database
     * (created, with a row per segment, inside the timed run, as its first run does).
     */
    private double backfillRound(JdbcSource source, String table, boolean jdbcCheckpoints) throws Exception {
        JdbcVersionedTarget target = target(table);
        target.createTableIfMissing();
        BackfillBuilder builder = Backfill.from(source)
                .to(target)
                .name(table)
                .batchSize(s.batchSize())
                .workers(1);
        JdbcCheckpointStore store = null;
        if (jdbcCheckpoints) {
            store = JdbcCheckpointStore.builder(pool, table).build();
            builder.checkpoints(store);
        }
        checkpoint();
        long t0 = System.nanoTime();
        BackfillResult result;
        try (Backfill backfill = builder.build()) {
            result = backfill.run();
        }
        double seconds = seconds(t0);
        if (result.status() != BackfillResult.Status.COMPLETED) {
            throw new IllegalStateException("backfill into " + table + " ended " + result.status());
        }
        count(Count.BACKFILL_READ, result.counts().read(), s.rows());
        count(Count.BACKFILL_APPLIED, result.counts().applied(), s.rows());
        count(Count.BACKFILL_SEGMENTS, result.segmentsDone(), source.segments());
        count(Count.BACKFILL_TARGET_ROWS, rowCount(q(table)), s.rows());
        if (store != null) {
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE " + store.table());
            }
            drop(table);
        }
        return seconds;
    }

    private double insertSelectRound(String table) throws Exception {
        createPlain(table);
        checkpoint();
        long t0 = System.nanoTime();
        long inserted;
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            // hashtext, not CRC-32C (PostgreSQL has none): the same spread of rows over the index
            inserted = st.executeUpdate("INSERT INTO " + q(table) + " " + PLAIN_COLUMNS
                    + " SELECT id, hashtext(id) & 1023, rev, FALSE, doc, now() FROM " + SOURCE_TABLE);
        }
        double seconds = seconds(t0);
        count(Count.INSERT_SELECT_ROWS, inserted, s.rows());
        drop(table);
        return seconds;
    }

    /** The old table, filled once with every row's first version: {@code id}, {@code rev}, {@code doc} (jsonb). */
    private void createSource() throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = pool.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + SOURCE_TABLE);
                st.execute("CREATE TABLE " + SOURCE_TABLE
                        + " (id VARCHAR(64) NOT NULL PRIMARY KEY, rev BIGINT NOT NULL, doc JSONB NOT NULL)");
            }
            String sql = "INSERT INTO " + SOURCE_TABLE + " (id, rev, doc) VALUES (?, ?, CAST(? AS jsonb))";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < rows.v1.size(); i++) {
                    Change ch = rows.v1.get(i);
                    ps.setString(1, ch.key());
                    ps.setLong(2, ch.version());
                    ps.setString(3, rows.json.get(i));
                    ps.addBatch();
                    if ((i + 1) % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            try (Statement st = c.createStatement()) {
                st.execute("VACUUM ANALYZE " + SOURCE_TABLE);
            }
        }
        count(Count.SOURCE_ROWS, rowCount(SOURCE_TABLE), s.rows());
        log.printf(
                Locale.ROOT,
                "old table %s filled with %,d rows in %d ms%n",
                SOURCE_TABLE,
                s.rows(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    static JsonNode parse(String json) throws SQLException {
        try {
            return READER.readTree(json);
        } catch (IOException e) {
            throw new SQLException("doc is not JSON", e);
        }
    }
}
