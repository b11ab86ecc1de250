package dev.cutover.benchmarks.replication;

import static dev.cutover.benchmarks.replication.Rounds.rate;
import static dev.cutover.benchmarks.replication.Rounds.seconds;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.replication.LargeReconciliationWorker.Counts;
import dev.cutover.benchmarks.replication.LargeReconciliationWorker.Layout;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.RootSafePgBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The {@link Reconciler} over two tables of 10,000,000 rows each on an embedded PostgreSQL, against
 * a raw scan of both, in one process and split over two: the old table and a versioned target's
 * table hold the same rows (the customers of {@link ReplicationThroughput}), loaded with {@code
 * COPY}, so every reconciliation reads every row and reports nothing. A plain program, run by
 * hand; see the README's "Reconciliation at 10,000,000 rows" section.
 *
 * <p>Measured, each with its wall-clock time and its counts checked (every row of both sides read,
 * a clean report, or the program fails): the raw scan of both tables as {@link
 * ReconcileMeasurement} defines it; {@code Reconciler.between(...).run()}; {@code split} with one
 * worker in this JVM; {@code split} with one worker in a JVM of its own; and {@code split} with two
 * workers, each in a JVM of its own, from their start until the first of them has the merged report.
 * The splits keep their checkpoints and range results in tables of the same database ({@code
 * JdbcCheckpointStore}, {@code JdbcRangeResultStore}), new ones for every run.
 *
 * <p>System properties: {@code reconcile.rows} (default 10,000,000), {@code reconcile.rounds}
 * (default 1), {@code reconcile.pageSize} (1,000), {@code reconcile.segments} (both sides' segments,
 * 16), {@code reconcile.ranges} (16), {@code reconcile.parts} (comma-separated among {@code load,
 * raw, between, split, one-jvm, two-jvms, reads}; all but the diagnostic {@code reads} by default), and {@code reconcile.dataDir}: a data
 * directory kept after the run, so a second run measures without loading again (loaded tables of
 * the same row count are kept); without it, the server and its data are temporary.
 */
public final class LargeReconciliation {

    private LargeReconciliation() {}

    /** The old table: {@code id} (key), {@code rev}, {@code doc}, as the replication benchmark's. */
    static final String OLD_TABLE = "lr_old";
    /** The new table: a {@code JdbcVersionedTarget}'s. */
    static final String NEW_TABLE = "lr_new";
    /** One row: the row count the tables were loaded with, written last. */
    static final String LOADED_TABLE = "lr_loaded";

    /** The parts a run may do. */
    static final List<String> PARTS = List.of("load", "raw", "between", "split", "one-jvm", "two-jvms", "reads");

    /** The parts of a run without {@code reconcile.parts}: all but the diagnostic {@code reads}. */
    static final List<String> DEFAULT_PARTS = PARTS.subList(0, PARTS.size() - 1);

    /**
     * What one run does.
     *
     * @param rows rows of each table
     * @param rounds rounds of each measurement (no warm-up round: both tables are read once before)
     * @param pageSize rows per page, of the reconciler and of the raw scan
     * @param segments segments of each side
     * @param ranges ranges of the splits
     * @param parts what to do, among {@link #PARTS}
     * @param dataDir where the server keeps its data across runs, or null for a temporary server
     */
    public record Settings(
            int rows,
            int rounds,
            int pageSize,
            int segments,
            int ranges,
            Set<String> parts,
            @Nullable Path dataDir) {

        public Settings {
            if (rows < 1 || rounds < 1 || pageSize < 1 || segments < 1 || ranges < 1) {
                throw new IllegalArgumentException("rows, rounds, pageSize, segments and ranges must be >= 1: " + rows
                        + ", " + rounds + ", " + pageSize + ", " + segments + ", " + ranges);
            }
            for (String p : parts) {
                if (!PARTS.contains(p)) {
                    throw new IllegalArgumentException("reconcile.parts: unknown part '" + p + "', expected " + PARTS);
                }
            }
            parts = Set.copyOf(parts);
        }

        /** From the {@code reconcile.*} system properties. */
        public static Settings fromSystemProperties() {
            String dir = System.getProperty("reconcile.dataDir", "");
            return new Settings(
                    Integer.getInteger("reconcile.rows", 10_000_000),
                    Integer.getInteger("reconcile.rounds", 1),
                    Integer.getInteger("reconcile.pageSize", 1_000),
                    Integer.getInteger("reconcile.segments", 16),
                    Integer.getInteger("reconcile.ranges", 16),
                    new LinkedHashSet<>(
                            Arrays.asList(System.getProperty("reconcile.parts", String.join(",", DEFAULT_PARTS))
                                    .split(","))),
                    dir.isBlank() ? null : Path.of(dir).toAbsolutePath());
        }
    }

    /** What is timed, in the order each round runs them. */
    public enum Step {
        RAW("raw", "raw scan of both tables (keyset pages, SHA-256 per row, one table after the other)"),
        BETWEEN("between", "Reconciler.between(old, new).run(), in this JVM"),
        SPLIT("split", "split, 1 worker in this JVM (JdbcCheckpointStore + JdbcRangeResultStore)"),
        ONE_JVM("one-jvm", "split, 1 worker JVM (started in the timing)"),
        TWO_JVMS("two-jvms", "split, 2 worker JVMs on the same reconciliation (started in the timing)"),
        READS("reads", "diagnostic: both sides' readPage only, one side after the other, nothing compared");

        final String part;
        final String label;

        Step(String part, String label) {
            this.part = part;
            this.label = label;
        }
    }

    /**
     * One run.
     *
     * @param environment the JVM, PostgreSQL and its settings, the machine's load at the start
     * @param tables the tables' sizes
     * @param seconds per step, per round
     * @param counts per step, the last round's counts (a round with wrong counts fails the run)
     */
    public record Report(
            Settings settings,
            String environment,
            String tables,
            Map<Step, double[]> seconds,
            Map<Step, Counts> counts) {}

    /**
     * Runs the settings of the system properties and prints the results; exit status 1 when anything fails.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Mains.run("large reconciliation", () -> markdown(run(Settings.fromSystemProperties(), System.out)), () -> {});
    }

    /**
     * Loads the tables (when asked and not loaded yet) and measures.
     *
     * @param s what to run
     * @param log where the progress lines go
     * @return what was measured
     * @throws Exception when the server cannot start or a count is wrong
     */
    public static Report run(Settings s, PrintStream log) throws Exception {
        long started = System.nanoTime();
        log.println("load average at start: " + Mains.loadAverage());
        try (Server server = Server.start(s.dataDir());
                HikariDataSource pool =
                        LargeReconciliationWorker.pool(server.jdbcUrl, server.user, "large-reconciliation")) {
            String environment = environment(pool, s);
            log.println(environment);
            if (s.parts().contains("load")) {
                Loader.loadUnlessLoaded(pool, server.dataDirectory, s, log);
            }
            String tables = sizes(pool);
            log.println(tables);
            Map<Step, double[]> seconds = new EnumMap<>(Step.class);
            Map<Step, Counts> counts = new EnumMap<>(Step.class);
            if (PARTS.subList(1, PARTS.size()).stream().anyMatch(s.parts()::contains)) {
                new Measure(pool, server, s, log).run(seconds, counts);
            }
            log.println("load average at end: " + Mains.loadAverage());
            log.printf(Locale.ROOT, "run took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
            return new Report(s, environment, tables, seconds, counts);
        }
    }

    /** The measurements of one run over the loaded tables. */
    private static final class Measure {
        private final HikariDataSource pool;
        private final Server server;
        private final Settings s;
        private final PrintStream log;
        private final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        /** When the first worker JVM's merged report arrived ({@link System#nanoTime()}), or 0. */
        private volatile long firstReport;

        Measure(HikariDataSource pool, Server server, Settings s, PrintStream log) {
            this.pool = pool;
            this.server = server;
            this.s = s;
            this.log = log;
        }

        void run(Map<Step, double[]> seconds, Map<Step, Counts> counts) throws Exception {
            long loaded = loadedRows(pool);
            if (loaded != s.rows()) {
                throw new IllegalStateException("the tables hold " + loaded + " rows, not reconcile.rows=" + s.rows()
                        + ": run with reconcile.parts including load");
            }
            long t0 = System.nanoTime();
            List<String> boundaries = Layout.boundaries(pool, OLD_TABLE, s.segments());
            Layout layout = new Layout(OLD_TABLE, NEW_TABLE, boundaries, s.segments(), s.pageSize(), s.ranges());
            log.printf(
                    Locale.ROOT,
                    "old side's %d segment boundaries computed in %.1f s (not timed below)%n",
                    boundaries.size() + 1,
                    seconds(t0));
            warm(log);
            for (int r = 0; r < s.rounds(); r++) {
                for (Step step : Step.values()) {
                    if (!s.parts().contains(step.part)) {
                        continue;
                    }
                    checkpoint();
                    long start = System.nanoTime();
                    firstReport = 0;
                    Counts c = run(step, layout, r);
                    long end = firstReport != 0 ? firstReport : System.nanoTime();
                    double took = (end - start) / 1e9;
                    check(step, c);
                    if (firstReport != 0) {
                        log.printf(
                                Locale.ROOT,
                                "round %d, %s: the first merged report after %.1f s, every worker exited after %.1f s%n",
                                r + 1,
                                step.label,
                                took,
                                seconds(start));
                    }
                    seconds.computeIfAbsent(step, k -> new double[s.rounds()])[r] = took;
                    counts.put(step, c);
                    log.printf(
                            Locale.ROOT,
                            "round %d, %s: %s (rows of both sides), %s; load average %s%n",
                            r + 1,
                            step.label,
                            rate(2L * s.rows(), took),
                            c,
                            Mains.loadAverage());
                }
            }
        }

        private Counts run(Step step, Layout layout, int round) throws Exception {
            return switch (step) {
                case RAW -> {
                    long t0 = System.nanoTime();
                    long old = ReconcileMeasurement.rawScan(pool, OLD_TABLE, "id", "doc", s.pageSize());
                    double oldSeconds = seconds(t0);
                    long t1 = System.nanoTime();
                    long neu = ReconcileMeasurement.rawScan(
                            pool, NEW_TABLE, ReconcileMeasurement.TARGET_KEY, "payload", s.pageSize());
                    log.printf(
                            Locale.ROOT,
                            "round %d, raw scan: old table %s, new table %s%n",
                            round + 1,
                            rate(old, oldSeconds),
                            rate(neu, seconds(t1)));
                    yield new Counts(old, neu, 0, 0, true); // it compares nothing: only its rows count
                }
                case BETWEEN -> Counts.of(layout.reconciler(pool).run());
                case SPLIT ->
                    Counts.of(layout.split(pool, store("split", round), "in-process")
                            .run());
                case ONE_JVM -> workers(layout, store("one_jvm", round), 1);
                case TWO_JVMS -> workers(layout, store("two_jvms", round), 2);
                case READS -> {
                    long t0 = System.nanoTime();
                    long old = ReconcileMeasurement.readAll(layout.oldSide(pool), s.pageSize());
                    double oldSeconds = seconds(t0);
                    long t1 = System.nanoTime();
                    long neu = ReconcileMeasurement.readAll(layout.newSide(pool), s.pageSize());
                    log.printf(
                            Locale.ROOT,
                            "round %d, reads: old side (JdbcSource, key ranges) %s, new side (JdbcVersionedTarget,"
                                    + " bucket ranges) %s%n",
                            round + 1,
                            rate(old, oldSeconds),
                            rate(neu, seconds(t1)));
                    yield new Counts(old, neu, 0, 0, true);
                }
            };
        }

        /** A new reconciliation's stores' name: every run starts from no checkpoints. */
        private String store(String what, int round) {
            return "lr_" + what + "_" + runId + "_" + round;
        }

        /**
         * Starts {@code n} worker JVMs on the same reconciliation and returns the counts of the
         * first merged report (noting when it arrived), once every worker has exited with the same counts.
         */
        private Counts workers(Layout layout, String store, int n) throws Exception {
            List<Process> processes = new ArrayList<>();
            List<CompletableFuture<Counts>> reports = new ArrayList<>();
            ExecutorService readers = Executors.newCachedThreadPool();
            try {
                for (int w = 0; w < n; w++) {
                    List<String> command = new ArrayList<>(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            LargeReconciliationWorker.class.getName(),
                            server.jdbcUrl,
                            server.user,
                            store,
                            "worker-" + (w + 1)));
                    command.addAll(layout.toArgs());
                    Process p = new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .start();
                    p.getOutputStream().close();
                    processes.add(p);
                    CompletableFuture<Counts> report = new CompletableFuture<>();
                    reports.add(report);
                    readers.submit(() -> read(p, report));
                }
                Counts first = (Counts) CompletableFuture.anyOf(reports.toArray(CompletableFuture[]::new))
                        .get(1, TimeUnit.HOURS);
                for (int w = 0; w < n; w++) {
                    Counts c = reports.get(w).get(1, TimeUnit.HOURS);
                    Process p = processes.get(w);
                    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                        throw new IllegalStateException("worker " + (w + 1) + " did not exit with status 0");
                    }
                    if (!c.equals(first)) {
                        throw new IllegalStateException("worker " + (w + 1) + " reported " + c + ", another " + first);
                    }
                }
                return first;
            } finally {
                processes.forEach(Process::destroyForcibly);
                readers.shutdownNow();
            }
        }

        /** Completes {@code report} with the worker's report line, or exceptionally with its output. */
        private void read(Process p, CompletableFuture<Counts> report) {
            List<String> output = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(LargeReconciliationWorker.REPORT)) {
                        Counts counts = Counts.parse(line);
                        synchronized (this) {
                            if (firstReport == 0) {
                                firstReport = System.nanoTime();
                            }
                        }
                        report.complete(counts);
                    } else {
                        output.add(line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                report.completeExceptionally(e);
            }
            report.completeExceptionally(new IllegalStateException("worker exited without a report: "
                    + String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size()))));
        }

        /** Every row of both sides read, nothing different, a clean report; otherwise the run fails. */
        private void check(Step step, Counts c) {
            Counts expected = new Counts(s.rows(), s.rows(), 0, 0, true);
            if (!c.equals(expected)) {
                throw new IllegalStateException(step.label + ": counted " + c + ", expected " + expected);
            }
        }

        /** Reads both tables once, untimed, so that no measurement pays for reading them from disk first. */
        private void warm(PrintStream log) throws SQLException {
            long t0 = System.nanoTime();
            long n = single(pool, "SELECT COUNT(doc) FROM " + OLD_TABLE)
                    + single(pool, "SELECT COUNT(payload) FROM " + NEW_TABLE);
            log.printf(Locale.ROOT, "both tables read once (%,d rows) in %.1f s, not timed%n", n, seconds(t0));
        }

        private void checkpoint() throws SQLException {
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("CHECKPOINT");
            }
        }
    }

    /** Loads both tables with the same rows. */
    private static final class Loader {
        /** Rows the embedded server stores per byte of disk, generously: tables, indexes and WAL. */
        private static final long BYTES_PER_ROW = 1_500;

        static void loadUnlessLoaded(HikariDataSource pool, Path dataDirectory, Settings s, PrintStream log)
                throws Exception {
            long loaded = loadedRows(pool);
            if (loaded == s.rows()) {
                log.printf(Locale.ROOT, "tables already loaded with %,d rows: not loading again%n", loaded);
                return;
            }
            long free = Files.getFileStore(dataDirectory).getUsableSpace();
            if (free < BYTES_PER_ROW * s.rows()) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "%,d rows need about %,d MB of disk in %s but %,d MB are free",
                        s.rows(),
                        BYTES_PER_ROW * s.rows() >> 20,
                        dataDirectory,
                        free >> 20));
            }
            long t0 = System.nanoTime();
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + LOADED_TABLE + ", " + OLD_TABLE + ", " + NEW_TABLE);
            }
            JdbcVersionedTarget target = new Layout(OLD_TABLE, NEW_TABLE, List.of(), s.segments(), 1, 1).newSide(pool);
            List<String> ddl = target.schemaStatements(); // the table, primary key (bucket, entity_key) inline
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                Future<Long> oldRows = two.submit(() -> copy(
                        pool,
                        List.of("CREATE TABLE " + OLD_TABLE
                                + " (id VARCHAR(64) NOT NULL, rev BIGINT NOT NULL, doc JSONB NOT NULL)"),
                        "COPY " + OLD_TABLE + " (id, rev, doc) FROM STDIN (FREEZE)",
                        s.rows(),
                        false));
                Future<Long> newRows = two.submit(() -> copy(
                        pool,
                        List.of(ddl.get(0), "ALTER TABLE " + NEW_TABLE + " DROP CONSTRAINT " + NEW_TABLE + "_pkey"),
                        "COPY " + NEW_TABLE
                                + " (entity_key, bucket, version, deleted, payload, applied_at) FROM STDIN (FREEZE)",
                        s.rows(),
                        true));
                if (oldRows.get() != s.rows() || newRows.get() != s.rows()) {
                    throw new IllegalStateException("COPY wrote " + oldRows.get() + " old and " + newRows.get()
                            + " new rows, expected " + s.rows() + " each");
                }
                log.printf(Locale.ROOT, "COPY of %,d rows into each table: %.1f s%n", s.rows(), seconds(t0));
                long t1 = System.nanoTime();
                Future<?> oldKey =
                        two.submit(() -> maintenance(pool, "ALTER TABLE " + OLD_TABLE + " ADD PRIMARY KEY (id)"));
                Future<?> newKeys = two.submit(
                        () -> maintenance(pool, "ALTER TABLE " + NEW_TABLE + " ADD PRIMARY KEY (bucket, entity_key)"));
                oldKey.get();
                newKeys.get();
                log.printf(Locale.ROOT, "primary keys: %.1f s%n", seconds(t1));
                long t2 = System.nanoTime();
                Future<?> vacuumOld = two.submit(() -> maintenance(pool, "VACUUM ANALYZE " + OLD_TABLE));
                Future<?> vacuumNew = two.submit(() -> maintenance(pool, "VACUUM ANALYZE " + NEW_TABLE));
                vacuumOld.get();
                vacuumNew.get();
                maintenance(
                        pool,
                        "CHECKPOINT",
                        "CREATE TABLE " + LOADED_TABLE + " (rows_loaded BIGINT NOT NULL)",
                        "INSERT INTO " + LOADED_TABLE + " VALUES (" + s.rows() + ")",
                        "CHECKPOINT");
                log.printf(Locale.ROOT, "VACUUM ANALYZE and CHECKPOINT: %.1f s%n", seconds(t2));
            } finally {
                two.shutdownNow();
            }
            log.printf(Locale.ROOT, "loaded in %.1f s%n", seconds(t0));
        }

        /**
         * Creates a table and fills it in the same transaction with {@code COPY ... FREEZE}: rows
         * written frozen, so no later read sets their hint bits. Returns the rows copied.
         */
        private static long copy(HikariDataSource pool, List<String> ddl, String copy, int rows, boolean target)
                throws Exception {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    for (String sql : ddl) {
                        st.execute(sql);
                    }
                }
                CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
                StringBuilder b = new StringBuilder(1 << 20);
                for (int i = 1; i <= rows; i++) {
                    String key = key(i);
                    String json = Rows.payload(i, key).toString();
                    if (json.indexOf('\\') >= 0) {
                        json = json.replace("\\", "\\\\"); // COPY's text format
                    }
                    b.append(key).append('\t');
                    if (target) {
                        b.append(PlainInsert.bucket(key)).append('\t');
                    }
                    b.append(Rows.version(i)).append('\t');
                    if (target) {
                        b.append("f\t");
                    }
                    b.append(json);
                    if (target) {
                        b.append("\t2026-01-01 00:00:00+00");
                    }
                    b.append('\n');
                    if (b.length() > (1 << 20) - 4096 || i == rows) {
                        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
                        in.writeToCopy(bytes, 0, bytes.length);
                        b.setLength(0);
                    }
                }
                long copied = in.endCopy();
                c.commit();
                c.setAutoCommit(true);
                return copied;
            }
        }

        private static Void maintenance(HikariDataSource pool, String... statements) throws SQLException {
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("SET maintenance_work_mem = '1GB'");
                for (String sql : statements) {
                    st.execute(sql);
                }
                st.execute("RESET maintenance_work_mem");
            }
            return null;
        }
    }

    /** The key of customer {@code i}: {@code c-00000001} to {@code c-10000000}, ordered as the numbers are. */
    static String key(int i) {
        return String.format(Locale.ROOT, "c-%08d", i);
    }

    /** The rows the tables were loaded with, or 0. */
    static long loadedRows(HikariDataSource pool) throws SQLException {
        if (single(pool, "SELECT COUNT(*) FROM pg_tables WHERE tablename = '" + LOADED_TABLE + "'") == 0) {
            return 0;
        }
        return single(pool, "SELECT COALESCE(MAX(rows_loaded), 0) FROM " + LOADED_TABLE);
    }

    private static long single(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Both tables' heap and index sizes, and the database's. */
    private static String sizes(HikariDataSource pool) throws SQLException {
        StringBuilder b = new StringBuilder("tables:");
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            for (String t : List.of(OLD_TABLE, NEW_TABLE)) {
                try (ResultSet rs = st.executeQuery("SELECT pg_size_pretty(pg_table_size(to_regclass('" + t
                        + "'))), pg_size_pretty(pg_indexes_size(to_regclass('" + t + "')))")) {
                    rs.next();
                    b.append(String.format(Locale.ROOT, " %s %s + indexes %s;", t, rs.getString(1), rs.getString(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT pg_size_pretty(pg_database_size(current_database()))")) {
                rs.next();
                b.append(" database ").append(rs.getString(1));
            }
        }
        return b.toString();
    }

    private static String environment(HikariDataSource pool, Settings s) throws SQLException {
        String[] pg = ReplicationThroughput.postgres(
                pool,
                "'fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size', 'wal_level',"
                        + " 'max_parallel_maintenance_workers'");
        return Mains.environment(
                        "large reconciliation",
                        ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB")
                + "\n  PostgreSQL " + pg[0] + " (embedded, zonky; " + pg[1] + "), HikariCP pools of "
                + PostgresMeasurement.POOL_SIZE + "\n  " + s;
    }

    // ---------------------------------------------------------------- report

    /** The results as Markdown: one row per step, and the ratios the issue asks for. */
    public static String markdown(Report r) {
        Settings s = r.settings();
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%,d rows in each table, pages of %,d, %d segments per side, %d ranges; %d round(s); rates count"
                        + " the rows of both sides; %s%n%n",
                s.rows(),
                s.pageSize(),
                s.segments(),
                s.ranges(),
                s.rounds(),
                r.tables()));
        b.append("| Step | seconds | rows per s | vs raw scan |\n| --- | ---: | ---: | ---: |\n");
        double[] raw = r.seconds().get(Step.RAW);
        for (Map.Entry<Step, double[]> e : r.seconds().entrySet()) {
            double median = median(e.getValue());
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %,.0f | %s |%n",
                    e.getKey().label,
                    Arrays.stream(e.getValue())
                            .mapToObj(x -> String.format(Locale.ROOT, "%.1f", x))
                            .reduce((x, y) -> x + ", " + y)
                            .orElse(""),
                    2.0 * s.rows() / median,
                    raw == null ? "—" : String.format(Locale.ROOT, "%.2f", median(raw) / median)));
        }
        b.append('\n');
        ratio(b, r, Step.BETWEEN, Step.RAW, "one process (between) / raw scan, target >= 0.8");
        ratio(b, r, Step.SPLIT, Step.RAW, "one process (split, this JVM) / raw scan");
        ratio(b, r, Step.TWO_JVMS, Step.ONE_JVM, "two worker JVMs / one worker JVM");
        ratio(b, r, Step.TWO_JVMS, Step.SPLIT, "two worker JVMs / split in this JVM");
        return b.toString();
    }

    /** A speed ratio: {@code over}'s time over {@code step}'s, when both ran. */
    private static void ratio(StringBuilder b, Report r, Step step, Step over, String label) {
        double[] a = r.seconds().get(step);
        double[] o = r.seconds().get(over);
        if (a != null && o != null) {
            b.append(String.format(Locale.ROOT, "- %s: **%.2f**%n", label, median(o) / median(a)));
        }
    }

    /** The median; for an even number, the mean of the middle two. */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** The PostgreSQL a run uses: the shared embedded server, or one over a data directory kept between runs. */
    private static final class Server implements AutoCloseable {
        final String jdbcUrl;
        final String user;
        final Path dataDirectory;
        private final @Nullable EmbeddedPostgres own;

        private Server(String jdbcUrl, String user, Path dataDirectory, @Nullable EmbeddedPostgres own) {
            this.jdbcUrl = jdbcUrl;
            this.user = user;
            this.dataDirectory = dataDirectory;
            this.own = own;
        }

        static Server start(@Nullable Path dataDir) throws IOException {
            if (dataDir == null) {
                EmbeddedPostgresServer shared = EmbeddedPostgresServer.get();
                var db = shared.createDatabase("large_reconciliation");
                return new Server(db.jdbcUrl(), db.user(), shared.dataDirectory(), null);
            }
            Files.createDirectories(dataDir);
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            // the shared server's settings (zonky's defaults: fsync off, synchronous_commit off), and no WAL
            // for the tables created and filled in one transaction
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setPgBinaryResolver(RootSafePgBinaryResolver.INSTANCE)
                    .setDataDirectory(dataDir.toFile())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(120))
                    .setServerConfig("timezone", "UTC")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("wal_level", "minimal")
                    .setServerConfig("max_wal_senders", "0")
                    .setLocaleConfig("locale", "C")
                    .start();
            return new Server(
                    "jdbc:postgresql://localhost:" + port + "/" + EmbeddedPostgresServer.POSTGRES_DATABASE,
                    EmbeddedPostgresServer.SUPERUSER,
                    dataDir,
                    pg);
        }

        @Override
        public void close() throws IOException {
            if (own != null) {
                own.close();
            }
        }
    }
}
