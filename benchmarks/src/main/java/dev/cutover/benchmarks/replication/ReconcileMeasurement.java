package dev.cutover.benchmarks.replication;

import static dev.cutover.benchmarks.replication.Rounds.rate;
import static dev.cutover.benchmarks.replication.Rounds.round;
import static dev.cutover.benchmarks.replication.Rounds.runRotated;
import static dev.cutover.benchmarks.replication.Rounds.seconds;
import static dev.cutover.benchmarks.replication.Rounds.unchecked;

import dev.cutover.benchmarks.replication.ReplicationThroughput.Count;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Result;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Series;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.SegmentedSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * (3) The {@link Reconciler} between the old table and a backfilled target against a raw scan of
 * both, and, as a diagnostic, both sides read page by page and nothing else.
 */
final class ReconcileMeasurement extends PostgresMeasurement {

    ReconcileMeasurement(PostgresMeasurement run) {
        super(run);
    }

    /** (3) Reconciler against a raw scan of both sides; rates count the rows of both sides. */
    List<Result> run(JdbcSource source, JdbcVersionedTarget target) throws Exception {
        int total = s.warmupRounds() + s.rounds();
        double[] rec = new double[s.rounds()];
        double[] raw = new double[s.rounds()];
        double[] reads = new double[s.rounds()];
        Reconciler reconciler =
                Reconciler.between(source, target).pageSize(s.scanPageSize()).build();
        for (int r = 0; r < total; r++) {
            double[] t = new double[3];
            List<Runnable> steps = new ArrayList<>(List.of(
                    unchecked(() -> {
                        long t0 = System.nanoTime();
                        long n = rawScan(SOURCE_TABLE, "id", "doc") + rawScan(q(target.table()), TARGET_KEY, "payload");
                        t[1] = seconds(t0);
                        count(Count.RAW_SCAN_ROWS, n, 2L * s.rows());
                    }),
                    unchecked(() -> {
                        long t0 = System.nanoTime();
                        ReconciliationReport report = reconciler.run();
                        t[0] = seconds(t0);
                        ReconciliationReport.Counts c = report.counts();
                        count(Count.RECONCILE_OLD_ROWS, c.oldRows(), s.rows());
                        count(Count.RECONCILE_NEW_ROWS, c.newRows(), s.rows());
                        count(
                                Count.RECONCILE_DISCREPANCIES,
                                c.missingInNew() + c.extraInNew() + c.different() + c.collisions() + c.errors(),
                                0);
                    }),
                    unchecked(() -> {
                        long t0 = System.nanoTime();
                        long n = readAll(source) + readAll(target);
                        t[2] = seconds(t0);
                        count(Count.SOURCE_READS_ROWS, n, 2L * s.rows());
                    })));
            runRotated(steps, r);
            log.printf(
                    Locale.ROOT,
                    "reconcile %s (rows of both sides): raw scan %s, reconciler %s;"
                            + " both sides read through their SegmentedSource %s%n",
                    round(r),
                    rate(2L * s.rows(), t[1]),
                    rate(2L * s.rows(), t[0]),
                    rate(2L * s.rows(), t[2]));
            if (r >= s.warmupRounds()) {
                rec[r - s.warmupRounds()] = t[0];
                raw[r - s.warmupRounds()] = t[1];
                reads[r - s.warmupRounds()] = t[2];
            }
        }
        Series rawSeries = new Series("keyset scan of both sides + SHA-256 per row", 2L * s.rows(), raw);
        return List.of(
                new Result(
                        "reconciliation (rows of both sides)",
                        "rows",
                        new Series("Reconciler", 2L * s.rows(), rec),
                        rawSeries,
                        0.8),
                new Result(
                        "diagnostic: both sides read page by page through readPage(segment, token, limit), nothing else",
                        "rows",
                        new Series("JdbcSource + JdbcVersionedTarget reads", 2L * s.rows(), reads),
                        rawSeries,
                        Double.NaN));
    }

    /** Every row of every segment, read as the reconciler reads it (pages of the scan page size); returns rows. */
    private long readAll(SegmentedSource side) throws Exception {
        return readAll(side, s.scanPageSize());
    }

    /** Every row of every segment of {@code side}, in pages of {@code pageSize}, nothing else; returns rows. */
    static long readAll(SegmentedSource side, int pageSize) throws Exception {
        long n = 0;
        for (int segment = 0; segment < side.segments(); segment++) {
            String token = null;
            do {
                SegmentedSource.Page page = side.readPage(segment, token, pageSize);
                n += page.rows().size();
                token = page.next();
            } while (token != null);
        }
        return n;
    }

    /** The primary key of the target's table on PostgreSQL, by which its raw scan pages. */
    static final String TARGET_KEY = "bucket, entity_key";

    /** Reads every row of a table in keyset pages and hashes its key and payload text; returns rows read. */
    private long rawScan(String table, String key, String payload) throws SQLException {
        return rawScan(pool, table, key, payload, s.scanPageSize());
    }

    /**
     * The raw scan of one table: keyset pages of {@code pageSize} rows by {@code key}, the columns of
     * its primary key (comma-separated; the last one is the row's key), a connection from {@code
     * pool} per page, a SHA-256 of each row's key and payload text; returns rows read.
     */
    static long rawScan(DataSource pool, String table, String key, String payload, int pageSize) throws SQLException {
        MessageDigest sha = sha256();
        int columns = key.split(",").length;
        String first = "SELECT " + key + ", " + payload + " FROM " + table + " ORDER BY " + key + " LIMIT ?";
        String next = "SELECT " + key + ", " + payload + " FROM " + table + " WHERE (" + key + ") > ("
                + "?, ".repeat(columns - 1) + "?) ORDER BY " + key + " LIMIT ?";
        long read = 0;
        long fold = 0;
        Object[] after = null;
        while (true) {
            int n = 0;
            try (Connection c = pool.getConnection();
                    PreparedStatement ps = c.prepareStatement(after == null ? first : next)) {
                int p = 1;
                if (after != null) {
                    for (Object value : after) {
                        ps.setObject(p++, value);
                    }
                }
                ps.setInt(p, pageSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        after = new Object[columns];
                        for (int i = 0; i < columns; i++) {
                            after[i] = rs.getObject(i + 1);
                        }
                        sha.update(rs.getString(columns).getBytes(StandardCharsets.UTF_8));
                        byte[] h = sha.digest(rs.getString(columns + 1).getBytes(StandardCharsets.UTF_8));
                        fold += h[0];
                        n++;
                    }
                }
            }
            read += n;
            if (n < pageSize) {
                break;
            }
        }
        if (fold == Long.MIN_VALUE) {
            System.out.println("(never printed: keeps the hashes observable)");
        }
        return read;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
