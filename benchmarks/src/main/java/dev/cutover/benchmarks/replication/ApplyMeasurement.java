package dev.cutover.benchmarks.replication;

import static dev.cutover.benchmarks.replication.PlainInsert.PLAIN_COLUMNS;
import static dev.cutover.benchmarks.replication.PlainInsert.bucket;
import static dev.cutover.benchmarks.replication.Rounds.rate;
import static dev.cutover.benchmarks.replication.Rounds.round;
import static dev.cutover.benchmarks.replication.Rounds.runRotated;
import static dev.cutover.benchmarks.replication.Rounds.seconds;
import static dev.cutover.benchmarks.replication.Rounds.unchecked;
import static dev.cutover.benchmarks.replication.Rows.MAPPER;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Count;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Result;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Series;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Settings;
import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * (1) The versioned apply of {@link JdbcVersionedTarget} (into an empty table, the same changes
 * again, every change one version newer) against each plain insert form of the same rows; the
 * baseline is the form with the highest median.
 */
final class ApplyMeasurement extends PostgresMeasurement {

    /** The plain insert forms measured, in {@link PlainInsert} order. */
    final List<Series> plainForms = new ArrayList<>();
    /** The fastest of them, which the raw copy of the backfill uses. */
    PlainInsert fastest = PlainInsert.UNNEST;

    ApplyMeasurement(
            HikariDataSource pool,
            HikariDataSource rewritingPool,
            Settings s,
            Rows rows,
            Map<Count, Long> counts,
            PrintStream log) {
        super(pool, rewritingPool, s, rows, counts, log);
    }

    /**
     * (1) The versioned apply (empty table, re-apply, update) against each plain insert form; the
     * baseline is the form with the highest median.
     */
    List<Result> run() throws Exception {
        int total = s.warmupRounds() + s.rounds();
        PlainInsert[] forms = PlainInsert.values();
        double[][] plain = new double[forms.length][s.rounds()];
        double[] first = new double[s.rounds()];
        double[] again = new double[s.rounds()];
        double[] update = new double[s.rounds()];
        double[] bareUpsert = new double[s.rounds()];
        double[] plainUpdates = new double[s.rounds()];
        double[] twoIndexInserts = new double[s.rounds()];
        double[] twoIndexUpdates = new double[s.rounds()];
        if (FILL_FACTOR != 100) {
            log.println("fill factor of every table (the target's and the plain inserts'): " + FILL_FACTOR);
        }
        for (int r = 0; r < total; r++) {
            int round = r;
            double[] p = new double[forms.length];
            double[] plainUpdate = new double[1];
            double[] v = new double[3];
            double[] bare = new double[1];
            double[] two = new double[2];
            List<Runnable> steps = new ArrayList<>();
            for (PlainInsert form : forms) {
                steps.add(unchecked(() -> p[form.ordinal()] =
                        plainInsertRound(form, "rt_plain_" + form.ordinal() + "_" + round, plainUpdate)));
            }
            steps.add(unchecked(() -> System.arraycopy(versionedRound("rt_apply_" + round), 0, v, 0, 3)));
            steps.add(unchecked(() -> bare[0] = bareUpsertRound("rt_bare_" + round)));
            steps.add(unchecked(() -> System.arraycopy(twoIndexRound("rt_two_" + round), 0, two, 0, 2)));
            // a different order each round, so that a slow stretch of the machine does not hit one system only
            runRotated(steps, r);
            StringBuilder line = new StringBuilder("apply " + round(r) + ":");
            for (PlainInsert form : forms) {
                line.append(" plain ")
                        .append(form.label)
                        .append(' ')
                        .append(rate(s.rows(), p[form.ordinal()]))
                        .append(',');
            }
            log.println(line
                    + String.format(
                            Locale.ROOT,
                            " versioned apply %s, re-apply %s, update %s;" + " the target's upsert on bare JDBC %s,"
                                    + " plain UPDATE ... FROM unnest %s; two indexes: plain unnest insert %s,"
                                    + " plain UPDATE %s",
                            rate(s.rows(), v[0]),
                            rate(s.rows(), v[1]),
                            rate(s.rows(), v[2]),
                            rate(s.rows(), bare[0]),
                            rate(s.rows(), plainUpdate[0]),
                            rate(s.rows(), two[0]),
                            rate(s.rows(), two[1])));
            if (r >= s.warmupRounds()) {
                int k = r - s.warmupRounds();
                for (int f = 0; f < forms.length; f++) {
                    plain[f][k] = p[f];
                }
                first[k] = v[0];
                again[k] = v[1];
                update[k] = v[2];
                bareUpsert[k] = bare[0];
                plainUpdates[k] = plainUpdate[0];
                twoIndexInserts[k] = two[0];
                twoIndexUpdates[k] = two[1];
            }
        }
        for (PlainInsert form : forms) {
            plainForms.add(new Series(form.label, s.rows(), plain[form.ordinal()]));
        }
        Series baseline = plainForms.get(0);
        for (Series x : plainForms) {
            if (x.median() > baseline.median()) {
                baseline = x;
            }
        }
        fastest = PlainInsert.values()[plainForms.indexOf(baseline)];
        log.println("fastest plain insert: " + fastest.label);
        return List.of(
                new Result("apply into an empty table", "rows", new Series("apply", s.rows(), first), baseline, 0.9),
                new Result(
                        "re-apply, every change DUPLICATE",
                        "rows",
                        new Series("apply", s.rows(), again),
                        baseline,
                        0.9),
                new Result(
                        "update, every change one version newer",
                        "rows",
                        new Series("apply", s.rows(), update),
                        baseline,
                        0.8),
                new Result(
                        "diagnostic: the target's upsert statement on bare JDBC, empty table",
                        "rows",
                        new Series(
                                "INSERT ... SELECT FROM unnest ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING",
                                s.rows(),
                                bareUpsert),
                        baseline,
                        Double.NaN),
                new Result(
                        "diagnostic: a plain update of every row one version newer on bare JDBC, same table",
                        "rows",
                        new Series("UPDATE ... FROM unnest (no condition, no RETURNING)", s.rows(), plainUpdates),
                        baseline,
                        Double.NaN),
                new Result(
                        "diagnostic: the same plain insert into the previous layout (primary key entity_key,"
                                + " index (bucket, entity_key))",
                        "rows",
                        new Series("INSERT ... SELECT FROM unnest(arrays), two indexes", s.rows(), twoIndexInserts),
                        baseline,
                        Double.NaN),
                new Result(
                        "diagnostic: the same plain update in the previous layout",
                        "rows",
                        new Series("UPDATE ... FROM unnest, two indexes", s.rows(), twoIndexUpdates),
                        baseline,
                        Double.NaN));
    }

    /**
     * A diagnostic, not Cutover's code path: the statement the target sends for a batch on
     * PostgreSQL (an {@code INSERT ... SELECT ... FROM unnest(arrays) ON CONFLICT (bucket, entity_key) DO
     * UPDATE ... WHERE cur.version < EXCLUDED.version RETURNING entity_key}), written here and run
     * with bare JDBC into a fresh versioned table, the keys read back, nothing else: what the
     * database costs, apart from the target's Java code. Returns seconds.
     */
    private double bareUpsertRound(String table) throws Exception {
        JdbcVersionedTarget target = target(table);
        target.createTableIfMissing();
        checkpoint();
        long returned = 0;
        long t0 = System.nanoTime();
        for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
            List<Change> batch = rows.v1.subList(from, Math.min(rows.v1.size(), from + s.batchSize()));
            int n = batch.size();
            String[] keys = new String[n];
            Short[] buckets = new Short[n];
            Long[] versions = new Long[n];
            Boolean[] deleted = new Boolean[n];
            String[] payloads = new String[n];
            for (int i = 0; i < n; i++) {
                Change ch = batch.get(i);
                keys[i] = ch.key();
                buckets[i] = (short) bucket(ch.key());
                versions[i] = ch.version();
                deleted[i] = false;
                payloads[i] = MAPPER.writeValueAsString(ch.payload());
            }
            try (Connection c = pool.getConnection();
                    PreparedStatement ps = c.prepareStatement(upsertSql(q(table)))) {
                ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
                ps.setArray(2, c.createArrayOf("text", keys));
                ps.setArray(3, c.createArrayOf("int2", buckets));
                ps.setArray(4, c.createArrayOf("int8", versions));
                ps.setArray(5, c.createArrayOf("bool", deleted));
                ps.setArray(6, c.createArrayOf("text", payloads));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        returned++;
                    }
                }
            }
        }
        double seconds = seconds(t0);
        count(Count.BARE_UPSERT_RETURNED, returned, s.rows());
        drop(table);
        return seconds;
    }

    /**
     * A fresh plain table, and the timed plain insert of every row into it, each payload serialized
     * in the loop as the target does; returns seconds. After the {@code unnest} insert, also the
     * timed plain update of every row to its next version ({@link #plainUpdate}), its seconds in
     * {@code updateSeconds[0]}: the floor of the target's update on the same table.
     */
    private double plainInsertRound(PlainInsert form, String table, double[] updateSeconds) throws Exception {
        createPlain(table);
        double seconds = timedPlainInsert(form, table);
        if (form == PlainInsert.UNNEST) {
            updateSeconds[0] = plainUpdate(table);
        }
        drop(table);
        return seconds;
    }

    /**
     * A diagnostic of the table layout: the {@code unnest} insert, then the plain update, into a
     * table of the layout the target had before its primary key became {@code (bucket,
     * entity_key)}: primary key {@code entity_key} and an index on {@code (bucket, entity_key)},
     * the same columns and fill factor. Returns both durations in seconds.
     */
    private double[] twoIndexRound(String table) throws Exception {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + q(table) + " (entity_key VARCHAR(1024) COLLATE \"C\" NOT NULL PRIMARY KEY,"
                    + " bucket SMALLINT NOT NULL, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL, payload JSONB,"
                    + " applied_at TIMESTAMP(3) WITH TIME ZONE NOT NULL)"
                    + (FILL_FACTOR == 100 ? "" : " WITH (fillfactor = " + FILL_FACTOR + ")"));
            st.execute("CREATE INDEX " + q(table + "_segments") + " ON " + q(table) + " (bucket, entity_key)");
        }
        double[] t = {timedPlainInsert(PlainInsert.UNNEST, table), plainUpdate(table)};
        drop(table);
        return t;
    }

    /** After a checkpoint, the timed plain insert of every row into {@code table}; returns seconds. */
    private double timedPlainInsert(PlainInsert form, String table) throws Exception {
        checkpoint();
        String[] keys = new String[s.batchSize()];
        long[] versions = new long[s.batchSize()];
        String[] payloads = new String[s.batchSize()];
        long t0 = System.nanoTime();
        for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
            int n = Math.min(s.batchSize(), rows.v1.size() - from);
            for (int i = 0; i < n; i++) {
                Change ch = rows.v1.get(from + i);
                keys[i] = ch.key();
                versions[i] = ch.version();
                payloads[i] = MAPPER.writeValueAsString(ch.payload());
            }
            try (Connection c = poolFor(form).getConnection()) {
                form.insert(c, q(table), keys, versions, payloads, n);
            }
        }
        double seconds = seconds(t0);
        count(Count.PLAIN_INSERT_ROWS, rowCount(q(table)), s.rows());
        return seconds;
    }

    /**
     * A diagnostic, not Cutover's code path: after a checkpoint, every row of {@code rows.v2} (one
     * version newer) written over the plain table by {@code UPDATE ... FROM unnest(arrays)}, 500
     * rows a statement, without a version condition or {@code RETURNING}: the new row versions and
     * index entries the target's update pays too, and nothing else. Returns seconds.
     */
    private double plainUpdate(String table) throws Exception {
        checkpoint();
        String sql = "UPDATE " + q(table) + " AS cur SET version = u.v, payload = CAST(u.p AS jsonb), applied_at = ?"
                + " FROM unnest(CAST(? AS text[]), CAST(? AS int2[]), CAST(? AS int8[]), CAST(? AS text[]))"
                + " AS u(k, b, v, p) WHERE cur.bucket = u.b AND cur.entity_key = u.k COLLATE \"C\"";
        long updated = 0;
        long t0 = System.nanoTime();
        for (int from = 0; from < rows.v2.size(); from += s.batchSize()) {
            int n = Math.min(s.batchSize(), rows.v2.size() - from);
            String[] keys = new String[n];
            Short[] buckets = new Short[n];
            Long[] versions = new Long[n];
            String[] payloads = new String[n];
            for (int i = 0; i < n; i++) {
                Change ch = rows.v2.get(from + i);
                keys[i] = ch.key();
                buckets[i] = (short) bucket(ch.key());
                versions[i] = ch.version();
                payloads[i] = MAPPER.writeValueAsString(ch.payload());
            }
            try (Connection c = pool.getConnection();
                    PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS));
                ps.setArray(2, c.createArrayOf("text", keys));
                ps.setArray(3, c.createArrayOf("int2", buckets));
                ps.setArray(4, c.createArrayOf("int8", versions));
                ps.setArray(5, c.createArrayOf("text", payloads));
                updated += ps.executeUpdate();
            }
        }
        double seconds = seconds(t0);
        count(Count.PLAIN_UPDATE_ROWS, updated, s.rows());
        return seconds;
    }

    /**
     * A fresh versioned table: the timed apply of every row, then of the same rows again, then of
     * every row one version newer; returns the three durations in seconds.
     */
    private double[] versionedRound(String table) throws Exception {
        JdbcVersionedTarget target = target(table);
        target.createTableIfMissing();
        double[] t = {
            timedApply(target, rows.v1, ApplyOutcome.APPLIED, Count.APPLY_APPLIED),
            timedApply(target, rows.v1, ApplyOutcome.DUPLICATE, Count.REAPPLY_DUPLICATE),
            timedApply(target, rows.v2, ApplyOutcome.APPLIED, Count.UPDATE_APPLIED)
        };
        // each row holds its first or its second version, so the sum is that of the second versions
        // exactly when every row was updated
        count(
                Count.UPDATE_VERSION_SUM,
                versionSum(table),
                rows.v2.stream().mapToLong(Change::version).sum());
        drop(table);
        return t;
    }

    /**
     * After a checkpoint, the timed apply of {@code changes}, then a check that every one of them had
     * the outcome {@code expected}, counted as {@code what}; returns seconds.
     */
    private double timedApply(VersionedTarget target, List<Change> changes, ApplyOutcome expected, Count what)
            throws Exception {
        checkpoint();
        Map<ApplyOutcome, Long> outcomes = new EnumMap<>(ApplyOutcome.class);
        long t0 = System.nanoTime();
        applyAll(target, changes, outcomes);
        double seconds = seconds(t0);
        count(what, outcomes.getOrDefault(expected, 0L), s.rows());
        return seconds;
    }

    private void applyAll(VersionedTarget target, List<Change> changes, Map<ApplyOutcome, Long> outcomes)
            throws Exception {
        for (int from = 0; from < changes.size(); from += s.batchSize()) {
            for (ApplyOutcome a : target.apply(changes.subList(from, Math.min(changes.size(), from + s.batchSize())))) {
                outcomes.merge(a, 1L, Long::sum);
            }
        }
    }

    /** The target's conditional upsert of a batch, as {@code TargetSql} builds it for PostgreSQL. */
    private static String upsertSql(String table) {
        return "INSERT INTO " + table + " AS cur " + PLAIN_COLUMNS
                + " SELECT k, b, v, d, CAST(p AS jsonb), CAST(? AS timestamptz) FROM unnest(CAST(? AS text[]),"
                + " CAST(? AS int2[]), CAST(? AS int8[]), CAST(? AS bool[]), CAST(? AS text[])) AS u(k, b, v, d, p)"
                + " ON CONFLICT (bucket, entity_key) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted,"
                + " payload = EXCLUDED.payload, applied_at = EXCLUDED.applied_at WHERE cur.version < EXCLUDED.version"
                + " RETURNING entity_key";
    }
}
