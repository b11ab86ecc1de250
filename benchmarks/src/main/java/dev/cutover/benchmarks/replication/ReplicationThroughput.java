package dev.cutover.benchmarks.replication;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.benchmarks.Mains;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Throughput of Cutover's replication write and read paths against the plainest code that moves
 * the same rows: the versioned apply of {@link JdbcVersionedTarget} against a plain batched insert,
 * the backfill against a raw copy, the {@link Reconciler} against a raw scan of both sides (all on
 * an embedded PostgreSQL), and the conditional {@code PutItem} of {@link DynamoDbVersionedTarget}
 * against an unconditional one (on DynamoDB Local, in-process). A plain program, run by hand; see
 * the README's "Replication throughput" section.
 *
 * <p>Every measurement runs {@link Settings#warmupRounds()} rounds that are not counted, then
 * {@link Settings#rounds()} measured ones, each on fresh tables (the reads run over the same
 * tables every round). Cutover and its baselines run one after the other within a round, in an
 * order that rotates from round to round, so that a slow stretch of the machine hits each of them
 * in turn; the rate of a series is the median of its measured rounds. Each round checks
 * its counts (outcomes, rows in the table, the reconciliation's report) and throws when one is
 * wrong: a run that measured nothing cannot report a rate.
 */
public final class ReplicationThroughput {

    private ReplicationThroughput() {}

    /**
     * What one run does.
     *
     * @param rows rows of the PostgreSQL measurements: applied, backfilled, reconciled
     * @param batchSize changes per {@code apply} call and the target's {@code batchSize}; rows per
     *     plain insert, per backfill page and per raw-copy page
     * @param scanPageSize rows per page of the reconciliation and of the raw scan (the reconciler's
     *     default is 1,000)
     * @param dynamoItems items of the DynamoDB measurement
     * @param dynamoInFlight writes in flight at once on DynamoDB, for the target ({@code
     *     maxInFlight}) and the unconditional puts alike
     * @param warmupRounds rounds per measurement before the measured ones, not counted
     * @param rounds measured rounds per measurement
     */
    public record Settings(
            int rows,
            int batchSize,
            int scanPageSize,
            int dynamoItems,
            int dynamoInFlight,
            int warmupRounds,
            int rounds) {

        /** The recorded run: 200,000 rows in batches of 500, 50,000 DynamoDB items 16 in flight, 1 + 3 rounds. */
        public static Settings standard() {
            return new Settings(200_000, 500, 1_000, 50_000, 16, 1, 3);
        }
    }

    /**
     * One system in one scenario: how long each measured round took.
     *
     * @param label what ran
     * @param unitsPerRound rows (or items) per round that the rate counts
     * @param seconds per measured round
     */
    public record Series(String label, long unitsPerRound, double[] seconds) {

        /** Units per second of each measured round. */
        public double[] rates() {
            return Arrays.stream(seconds).map(s -> unitsPerRound / s).toArray();
        }

        /** The median rate; for an even number of rounds, the mean of the middle two. */
        public double median() {
            double[] r = rates();
            Arrays.sort(r);
            int n = r.length;
            return n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
        }

        public double min() {
            return Arrays.stream(rates()).min().orElse(Double.NaN);
        }

        public double max() {
            return Arrays.stream(rates()).max().orElse(Double.NaN);
        }

        /** The rate as "median (min to max)". */
        public String cell() {
            return String.format(Locale.ROOT, "%,.0f (%,.0f to %,.0f)", median(), min(), max());
        }

        /** A Markdown table row: label, {@link #cell()}, and the median over {@code baseline}'s median. */
        public String rowAgainst(Series baseline) {
            return String.format(Locale.ROOT, "| %s | %s | %.2f |%n", label, cell(), median() / baseline.median());
        }
    }

    /**
     * One scenario: Cutover against its baseline.
     *
     * @param scenario what is compared
     * @param unit what the rate counts, per second
     * @param cutover Cutover's code path
     * @param baseline the plain code path
     * @param target the ratio Cutover must reach at least, or {@code NaN} when there is none
     */
    public record Result(String scenario, String unit, Series cutover, Series baseline, double target) {

        /** Cutover's median rate over the baseline's. */
        public double ratio() {
            return cutover.median() / baseline.median();
        }

        /** Whether the ratio reaches the target; null when there is no target. */
        public Boolean met() {
            return Double.isNaN(target) ? null : ratio() >= target;
        }
    }

    /** What the rounds counted; every round must count the same, and the last round's counts are kept. */
    public enum Count {
        /** Rows of the old table of the backfill and the reconciliation. */
        SOURCE_ROWS,
        /** Rows of the plain insert's table after it. */
        PLAIN_INSERT_ROWS,
        /** Rows the plain update wrote (diagnostic). */
        PLAIN_UPDATE_ROWS,
        /** Keys the bare upsert statement returned (diagnostic). */
        BARE_UPSERT_RETURNED,
        /** {@code APPLIED} outcomes of the apply into an empty table. */
        APPLY_APPLIED,
        /** {@code DUPLICATE} outcomes of applying the same changes again. */
        REAPPLY_DUPLICATE,
        /** {@code APPLIED} outcomes of the update (every version one higher). */
        UPDATE_APPLIED,
        /** The sum of the stored versions after the update: that of the second versions. */
        UPDATE_VERSION_SUM,
        /** Rows the raw copy inserted. */
        RAW_COPY_ROWS,
        /** Rows the backfill read. */
        BACKFILL_READ,
        /** Changes the backfill applied. */
        BACKFILL_APPLIED,
        /** Segments done when the backfill returned. */
        BACKFILL_SEGMENTS,
        /** Rows of the target after the backfill. */
        BACKFILL_TARGET_ROWS,
        /** Rows {@code INSERT ... SELECT} inserted. */
        INSERT_SELECT_ROWS,
        /** Live rows the reconciler read from the old side. */
        RECONCILE_OLD_ROWS,
        /** Live rows the reconciler read from the new side. */
        RECONCILE_NEW_ROWS,
        /** Discrepancies the reconciler reported (missing, extra, different, collisions, errors). */
        RECONCILE_DISCREPANCIES,
        /** Rows the raw scan read and hashed, both sides. */
        RAW_SCAN_ROWS,
        /** Rows both sides' {@code readPage(segment, token, limit)} returned (diagnostic). */
        SOURCE_READS_ROWS,
        /** {@code APPLIED} outcomes of the DynamoDB target. */
        DYNAMO_APPLIED,
        /** Items in the table of the unconditional puts afterwards. */
        DYNAMO_PUT_ITEMS
    }

    /**
     * One run.
     *
     * @param plainForms every plain insert form of the apply measurement; the fastest is its baseline
     * @param counts the last round's counts
     */
    public record Report(
            Settings settings,
            String environment,
            List<Result> results,
            List<Series> plainForms,
            Map<Count, Long> counts) {}

    /**
     * Runs the standard settings and prints the results; exit status 1 when anything fails.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Mains.run(
                "replication throughput",
                () -> markdown(run(Settings.standard(), System.out)),
                () -> EmbeddedPostgresServer.get().stop());
    }

    /**
     * Starts (or reuses) the embedded PostgreSQL and an in-process DynamoDB Local, and measures everything.
     *
     * @param s what to run
     * @param log where the progress lines go
     * @return what was measured
     * @throws Exception when a store cannot start or a count is wrong
     */
    public static Report run(Settings s, PrintStream log) throws Exception {
        long started = System.nanoTime();
        log.println("load average at start: " + Mains.loadAverage());
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        TestDatabase db = pg.createDatabase("replication_throughput");
        Map<Count, Long> counts = new EnumMap<>(Count.class);
        List<Result> results = new ArrayList<>();
        String environment;
        List<Series> plainForms = List.of();
        try (HikariDataSource pool = PostgresMeasurement.pool(db, false);
                HikariDataSource rewritingPool = PostgresMeasurement.pool(db, true)) {
            environment = environment(pool, s);
            log.println(environment);
            Rows rows = Rows.generate(s.rows());
            log.printf(
                    Locale.ROOT,
                    "%,d rows generated, payload %d to %d bytes of JSON (mean %.0f)%n",
                    s.rows(),
                    rows.minBytes,
                    rows.maxBytes,
                    rows.meanBytes);
            ApplyMeasurement apply = new ApplyMeasurement(pool, rewritingPool, s, rows, counts, log);
            if (PARTS.contains("apply")) {
                results.addAll(apply.run());
                plainForms = List.copyOf(apply.plainForms);
            }
            if (PARTS.contains("backfill")) {
                results.addAll(new BackfillMeasurement(apply, apply.fastest).run());
            }
        }
        if (PARTS.contains("dynamo")) {
            results.add(DynamoDbMeasurement.run(s, Rows.generate(s.dynamoItems()), counts, log));
        }
        log.println("load average at end: " + Mains.loadAverage());
        log.printf(Locale.ROOT, "run took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
        return new Report(s, environment, results, plainForms, counts);
    }

    /**
     * The parts to run, from the system property {@code replication.parts} (comma-separated {@code
     * apply}, {@code backfill} (with reconciliation), {@code dynamo}); all by default. A partial run is
     * for profiling: without {@code apply}, the raw copy uses {@code INSERT ... SELECT FROM unnest}.
     */
    static final Set<String> PARTS = Set.of(
            System.getProperty("replication.parts", "apply,backfill,dynamo").split(","));

    /** Segments of the old table's {@link JdbcSource}. */
    static final int SOURCE_SEGMENTS = 8;

    /**
     * The server's version and the settings named, quoted and comma-separated, in {@code names}:
     * {@code name=setting, ...}.
     */
    static String[] postgres(DataSource pool, String names) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            String version;
            try (ResultSet rs = st.executeQuery("SHOW server_version")) {
                rs.next();
                version = rs.getString(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name)"
                    + " FROM pg_settings WHERE name IN (" + names + ")")) {
                rs.next();
                return new String[] {version, rs.getString(1)};
            }
        }
    }

    // ---------------------------------------------------------------- report

    /** The results as Markdown: one row per scenario. */
    public static String markdown(Report r) {
        StringBuilder b = new StringBuilder();
        Settings s = r.settings();
        b.append(String.format(
                Locale.ROOT,
                "%,d rows on PostgreSQL in batches of %d, %,d items on DynamoDB Local"
                        + " (%d in flight); %d warm-up + %d measured rounds; rates are median (min to max) over the measured"
                        + " rounds; ratio = Cutover's median / baseline's median.%n%n",
                s.rows(),
                s.batchSize(),
                s.dynamoItems(),
                s.dynamoInFlight(),
                s.warmupRounds(),
                s.rounds()));
        b.append("| Scenario | Cutover | per s | Baseline | per s | Ratio | Target | Met |\n");
        b.append("| --- | --- | ---: | --- | ---: | ---: | ---: | --- |\n");
        for (Result x : r.results()) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %.2f | %s | %s |%n",
                    x.scenario(),
                    x.cutover().label(),
                    x.cutover().cell(),
                    x.baseline().label(),
                    x.baseline().cell(),
                    x.ratio(),
                    Double.isNaN(x.target()) ? "—" : String.format(Locale.ROOT, "≥ %.1f", x.target()),
                    x.met() == null ? "—" : x.met() ? "yes" : "**no**"));
        }
        b.append(String.format(
                Locale.ROOT,
                "%nThe plain insert forms of the apply measurement (the fastest is its"
                        + " baseline and the raw copy's insert):%n%n| Plain insert | rows per s |%n| --- | ---: |%n"));
        for (Series x : r.plainForms()) {
            b.append(String.format(Locale.ROOT, "| %s | %s |%n", x.label(), x.cell()));
        }
        return b.toString();
    }

    private static String environment(HikariDataSource pool, Settings s) throws SQLException {
        String[] pg = postgres(pool, "'fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size'");
        String pgVersion = pg[0];
        String settings = pg[1];
        return Mains.environment(
                        "replication throughput",
                        String.format(
                                Locale.ROOT,
                                ", max heap %d MiB",
                                Runtime.getRuntime().maxMemory() >> 20))
                + String.format(
                        Locale.ROOT,
                        "%n  PostgreSQL %s (embedded, zonky; %s), HikariCP pool of %d; DynamoDB Local in-process%n  %s",
                        pgVersion,
                        settings,
                        PostgresMeasurement.POOL_SIZE,
                        s);
    }
}
