package dev.cutover.benchmarks.flip;

import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.flip.CountingDataSource.Counts;
import dev.cutover.benchmarks.flip.CountingDataSource.Kind;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.testsupport.RootSafePgBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * A fleet at scale on one PostgreSQL: steps of 100 to 1,000 real {@link
 * dev.cutover.flags.FlagClient}s, each with its {@link dev.cutover.flags.fleet.FleetHeartbeat},
 * poll only and then with push (LISTEN/NOTIFY) for as many steps as the server's {@code
 * max_connections} allows. Per step: the database's load while idle (statements by kind, per second
 * and per instance; PostgreSQL's transactions; connections held; PostgreSQL's and this JVM's CPU;
 * the private memory of each backend), then flips timed until every instance serves them.
 *
 * <p>The instances run in "processes" of {@link Settings#perProcess()} that share one connection
 * pool ({@link ProcessFleet}). The program starts its own embedded PostgreSQL 14 with {@code
 * max_connections} raised to {@link Settings#maxConnections()}. Run by hand (see {@code
 * benchmarks/README.md}, "Fleet at scale"); {@code FleetScaleTest} runs it in miniature in {@code
 * mvn verify}.
 */
public final class FleetScale {

    /** Connections kept free for the writer and the monitor: a push step must fit beside them. */
    static final int RESERVED_CONNECTIONS = 5;

    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private FleetScale() {}

    /**
     * What one run does.
     *
     * @param pollSteps fleet sizes measured poll only, in order
     * @param pushSteps fleet sizes measured with push, in order; a size whose connections do not fit
     *     the server's {@code max_connections} is skipped and reported
     * @param perProcess instances per process, which share one pool
     * @param readConnections connections of each process's pool for reads and heartbeats (push adds
     *     one per instance for its LISTEN)
     * @param pollInterval poll and heartbeat interval of the poll-only instances (default jitter 0.1)
     * @param pushPollInterval poll and heartbeat interval of the push instances (the safety net)
     * @param idleWindow how long each step is observed with no writes
     * @param flips measured flips per step
     * @param warmupFlips flips before those, not measured
     * @param pause wait after a flip reached every instance, before the next write
     * @param maxConnections {@code max_connections} of the server the program starts itself
     */
    public record Settings(
            List<Integer> pollSteps,
            List<Integer> pushSteps,
            int perProcess,
            int readConnections,
            Duration pollInterval,
            Duration pushPollInterval,
            Duration idleWindow,
            int flips,
            int warmupFlips,
            Duration pause,
            int maxConnections) {

        /**
         * The recorded run: 100, 250, 500 and 1,000 instances poll only (1 s) and 100, 500 and 1,000
         * with push, in processes of 50 with 4 read connections each, a 10 s idle window, 10 flips
         * per step, {@code max_connections} 1,200; each setting can be overridden by a system property ({@code
         * -Dcutover.fleet.steps=100,500}, {@code .pushSteps}, {@code .perProcess}, {@code
         * .readConnections}, {@code .pollMillis}, {@code .idleSeconds}, {@code .flips}, {@code
         * .maxConnections}).
         *
         * @return the settings
         */
        public static Settings standard() {
            List<Integer> steps = steps(System.getProperty("cutover.fleet.steps", "100,250,500,1000"));
            return new Settings(
                    steps,
                    steps(System.getProperty("cutover.fleet.pushSteps", "100,500,1000")),
                    Integer.getInteger("cutover.fleet.perProcess", 50),
                    Integer.getInteger("cutover.fleet.readConnections", 4),
                    Duration.ofMillis(Integer.getInteger("cutover.fleet.pollMillis", 1000)),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(Integer.getInteger("cutover.fleet.idleSeconds", 10)),
                    Integer.getInteger("cutover.fleet.flips", 10),
                    1,
                    Duration.ofMillis(100),
                    Integer.getInteger("cutover.fleet.maxConnections", 1200));
        }

        private static List<Integer> steps(String csv) {
            List<Integer> steps = new ArrayList<>();
            for (String s : csv.split(",")) {
                if (s.isBlank()) {
                    continue;
                }
                int n;
                try {
                    n = Integer.parseInt(s.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("fleet step '" + s + "' is not a number of instances", e);
                }
                if (n < 1) {
                    throw new IllegalArgumentException("fleet step " + n + " needs at least 1 instance");
                }
                steps.add(n);
            }
            return List.copyOf(steps);
        }
    }

    /**
     * One measured step.
     *
     * @param mode push or poll only
     * @param instances instances
     * @param processes processes (pools) they ran in
     * @param pollInterval their poll and heartbeat interval
     * @param idleSeconds how long the idle window really lasted
     * @param idle what all instances executed in the idle window
     * @param pgTransactions PostgreSQL's transactions in the database in the idle window
     * @param walBytes write-ahead log the server wrote in the idle window (the heartbeats' upserts)
     * @param connectionsMean connections to the database in {@code pg_stat_activity}, sampled once a
     *     second in the idle window, mean
     * @param connectionsMax the same, most
     * @param pgCpuCores PostgreSQL's CPU time (postmaster and every backend) over the idle window,
     *     in cores; NaN where {@code /proc} cannot be read
     * @param jvmCpuCores this JVM's CPU time over the idle window, in cores
     * @param jvmThreads live threads in this JVM at the end of the idle window
     * @param backendPrivateMib private memory of one backend of the database, mean, in MiB; NaN
     *     where {@code /proc} cannot be read
     * @param times the flips as timed
     * @param flipCounts what all instances executed from the first flip until the last was served
     * @param loadAverage {@code /proc/loadavg} at the end of the step
     * @param took the whole step, start to close
     */
    public record Step(
            Mode mode,
            int instances,
            int processes,
            Duration pollInterval,
            double idleSeconds,
            Counts idle,
            long pgTransactions,
            long walBytes,
            double connectionsMean,
            long connectionsMax,
            double pgCpuCores,
            double jvmCpuCores,
            int jvmThreads,
            double backendPrivateMib,
            FlipTimes times,
            Counts flipCounts,
            String loadAverage,
            Duration took) {

        /**
         * Statements of {@code kind}, all instances, per second of the idle window.
         *
         * @param kind the statements counted
         * @return statements per second
         */
        public double perSecond(Kind kind) {
            return idle.of(kind) / idleSeconds;
        }

        /**
         * Every statement of every instance, per second of the idle window.
         *
         * @return statements per second
         */
        public double statementsPerSecond() {
            return idle.totalStatements() / idleSeconds;
        }

        /**
         * Head checks per instance and poll interval: 1 when every instance polled on time.
         *
         * @return head checks per instance and interval
         */
        public double headsPerInstancePerInterval() {
            return perSecond(Kind.HEAD) / instances * (pollInterval.toMillis() / 1e3);
        }

        /**
         * Flag loads per flip and instance, warm-up included: 1 when each instance loaded each flip once.
         *
         * @return loads per flip and instance
         */
        public double loadsPerFlipPerInstance() {
            return flipCounts.of(Kind.LOAD_FLAGS) / (double) times.allFlips() / instances;
        }

        /**
         * Whether the machine carried the step: no flip missed, and (poll only) every instance polled
         * at least 0.8 times per interval and p99 stayed within 1.1 intervals plus 500 ms, or (push)
         * p99 stayed under 1 s.
         *
         * @return whether it kept up
         */
        public boolean keptUp() {
            if (times.missedApplications() > 0) {
                return false;
            }
            double p99 = times.eachMillis(99);
            if (mode == Mode.PUSH) {
                return p99 < 1000;
            }
            return headsPerInstancePerInterval() >= 0.8 && p99 <= pollInterval.toMillis() * 1.1 + 500;
        }
    }

    /**
     * A push step not run: its connections do not fit the server.
     *
     * @param instances instances
     * @param needed connections the step would hold
     * @param allowed connections left for the instances: {@code max_connections} less {@value
     *     #RESERVED_CONNECTIONS}
     */
    public record Skipped(int instances, int needed, int allowed) {}

    /**
     * A run.
     *
     * @param settings what ran
     * @param environment the machine, the JVM, PostgreSQL and the settings, as printed first
     * @param maxConnections the server's {@code max_connections}
     * @param steps the steps measured, poll only first
     * @param skipped the push steps not run
     * @param took the whole run
     */
    public record Report(
            Settings settings,
            String environment,
            int maxConnections,
            List<Step> steps,
            List<Skipped> skipped,
            Duration took) {}

    /**
     * Starts an embedded PostgreSQL with {@code max_connections} raised, runs the standard settings
     * on it, and prints the results; exit status 1 only when setup fails.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Settings settings = Settings.standard();
        Mains.run(
                "fleet scale",
                () -> {
                    try (EmbeddedPostgres pg = startServer(settings.maxConnections())) {
                        DataSource admin = pg.getPostgresDatabase();
                        try (Connection c = admin.getConnection();
                                Statement s = c.createStatement()) {
                            s.execute("CREATE DATABASE fleet_scale");
                        }
                        try (Connection monitor = admin.getConnection()) {
                            return markdown(run(
                                    settings,
                                    pg.getDatabase("postgres", "fleet_scale"),
                                    "fleet_scale",
                                    monitor,
                                    System.out));
                        }
                    }
                },
                () -> {});
    }

    /** PostgreSQL 14 (zonky), as the test support starts it, but with {@code max_connections} given. */
    static EmbeddedPostgres startServer(int maxConnections) throws IOException {
        return EmbeddedPostgres.builder()
                .setPgBinaryResolver(RootSafePgBinaryResolver.INSTANCE)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("timezone", "UTC")
                .setServerConfig("max_connections", Integer.toString(maxConnections))
                .setServerConfig("unix_socket_directories", "")
                .setLocaleConfig("locale", "C")
                .start();
    }

    /**
     * Runs every step on {@code database}.
     *
     * @param s what to run
     * @param database a data source on an empty database (unpooled: the steps pool it themselves)
     * @param name the database's name, for PostgreSQL's statistics
     * @param monitor a connection to another database of the same server, for the statistics
     * @param log where the progress lines go
     * @return what was measured
     * @throws Exception when the schema or the instances cannot start
     */
    public static Report run(Settings s, DataSource database, String name, Connection monitor, PrintStream log)
            throws Exception {
        long started = System.nanoTime();
        monitor.setAutoCommit(true);
        PgStats stats = new PgStats(monitor, name);
        int maxConnections = Integer.parseInt(show(monitor, "max_connections"));
        String environment = Mains.environment("FleetScale", Mains.maxHeap())
                + String.format(
                        Locale.ROOT,
                        "%n  PostgreSQL %s, max_connections %d; load average %s%n  %s",
                        stats.serverVersion(),
                        maxConnections,
                        Mains.loadAverage(),
                        s);
        log.println(environment);
        Optional<ProcessHandle> postmaster = postmaster(monitor);
        List<Step> steps = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try (JdbcFlagStore writerStore = JdbcFlagStore.builder(database)
                .tablePrefix(JdbcFleet.TABLE_PREFIX)
                .build()) {
            writerStore.createSchemaIfMissing();
            Writer writer = new Writer(writerStore);
            for (int n : s.pollSteps()) {
                steps.add(step(s, Mode.POLL, n, s.pollInterval(), database, writer, stats, postmaster, log));
            }
            int allowed = maxConnections - RESERVED_CONNECTIONS;
            for (int n : s.pushSteps()) {
                int needed = ProcessFleet.connections(Mode.PUSH, n, s.perProcess(), s.readConnections());
                if (needed > allowed) {
                    log.printf(
                            Locale.ROOT,
                            "push with %d instances skipped: it holds %d connections, the server allows %d%n",
                            n,
                            needed,
                            allowed);
                    skipped.add(new Skipped(n, needed, allowed));
                    continue;
                }
                steps.add(step(s, Mode.PUSH, n, s.pushPollInterval(), database, writer, stats, postmaster, log));
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        log.printf(Locale.ROOT, "run took %d s; load average %s%n", took.toSeconds(), Mains.loadAverage());
        return new Report(s, environment, maxConnections, steps, skipped, took);
    }

    private static Step step(
            Settings s,
            Mode mode,
            int n,
            Duration pollInterval,
            DataSource database,
            Writer writer,
            PgStats stats,
            Optional<ProcessHandle> postmaster,
            PrintStream log)
            throws Exception {
        long started = System.nanoTime();
        ProcessFleet fleet =
                ProcessFleet.start(database, mode, n, s.perProcess(), s.readConnections(), pollInterval, writer, log);
        String label = mode.name().toLowerCase(Locale.ROOT) + " " + n;
        try {
            // half an interval (at most a quarter window) so the instances' polls spread, and the
            // statistics' 500 ms lag
            FlipHarness.parkFor(FlipHarness.settle(pollInterval, s.idleWindow()).plusMillis(600));
            List<Counts> before = fleet.counts();
            long pgBefore = stats.transactionsAndSessions()[0];
            long walBefore = stats.walBytes();
            double pgCpuBefore = pgCpuSeconds(postmaster);
            long jvmCpuBefore = jvmCpuNanos();
            long start = System.nanoTime();
            long end = start + s.idleWindow().toNanos();
            List<Long> samples = new ArrayList<>();
            while (true) {
                samples.add(stats.connections());
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                FlipHarness.parkFor(
                        Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
            }
            Counts idle = Tally.sum(Tally.deltas(before, fleet.counts()), Counts.zero());
            double seconds = (System.nanoTime() - start) / 1e9;
            long wal = stats.walBytes() - walBefore;
            double jvmCores = (jvmCpuNanos() - jvmCpuBefore) / 1e9 / seconds;
            double pgCores = (pgCpuSeconds(postmaster) - pgCpuBefore) / seconds;
            LockSupport.parkNanos(Duration.ofMillis(600).toNanos());
            long pgTransactions = stats.transactionsAndSessions()[0] - pgBefore;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            double backendMib = backendPrivateMib(stats);
            long[] connections = samples.stream().mapToLong(Long::longValue).toArray();
            double connectionsMean = Arrays.stream(connections).average().orElse(0);
            long connectionsMax = Arrays.stream(connections).max().orElse(0);
            log.printf(
                    Locale.ROOT,
                    "%s idle %.1f s: %d head checks, %d heartbeats, %d other statements; %d PostgreSQL transactions,"
                            + " %,d bytes of WAL;"
                            + " connections %.1f mean, %d max; CPU PostgreSQL %.2f, JVM %.2f cores; %d threads;"
                            + " backend %.1f MiB private%n",
                    label,
                    seconds,
                    idle.of(Kind.HEAD),
                    idle.of(Kind.HEARTBEAT),
                    idle.totalStatements() - idle.of(Kind.HEAD) - idle.of(Kind.HEARTBEAT),
                    pgTransactions,
                    wal,
                    connectionsMean,
                    connectionsMax,
                    pgCores,
                    jvmCores,
                    threads,
                    backendMib);

            List<Counts> beforeFlips = fleet.counts();
            FlipTimes times = FlipHarness.flips(fleet, writer, s.flips(), s.warmupFlips(), s.pause(), log);
            Counts flipCounts = Tally.sum(Tally.deltas(beforeFlips, fleet.counts()), Counts.zero());
            int processes = fleet.processes();
            fleet.close();
            Step step = new Step(
                    mode,
                    n,
                    processes,
                    pollInterval,
                    seconds,
                    idle,
                    pgTransactions,
                    wal,
                    connectionsMean,
                    connectionsMax,
                    pgCores,
                    jvmCores,
                    threads,
                    backendMib,
                    times,
                    flipCounts,
                    Mains.loadAverage(),
                    Duration.ofNanos(System.nanoTime() - started));
            log.printf(
                    Locale.ROOT,
                    "%s: each instance p50 %.1f / p99 %.1f / max %.1f ms; step took %d s; load average %s%n",
                    label,
                    times.eachMillis(50),
                    times.eachMillis(99),
                    times.eachMillis(100),
                    step.took().toSeconds(),
                    step.loadAverage());
            return step;
        } finally {
            fleet.close();
        }
    }

    // ---------------------------------------------------------------- what the machine says

    private static String show(Connection monitor, String setting) throws SQLException {
        try (Statement st = monitor.createStatement();
                ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The server's postmaster: the parent of the monitor's backend, when this JVM can see it. */
    private static Optional<ProcessHandle> postmaster(Connection monitor) throws SQLException {
        try (Statement st = monitor.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent);
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU seconds of the whole server so far: the postmaster's own and those of its children it has
     * reaped ({@code /proc/<pid>/stat} utime, stime, cutime, cstime), and those of its live
     * children. NaN where {@code /proc} cannot be read.
     */
    static double pgCpuSeconds(Optional<ProcessHandle> postmaster) {
        if (postmaster.isEmpty()) {
            return Double.NaN;
        }
        long[] own = stat(postmaster.get().pid());
        if (own.length == 0) {
            return Double.NaN;
        }
        long ticks = own[0] + own[1] + own[2] + own[3];
        for (ProcessHandle child : postmaster.get().children().toList()) {
            long[] t = stat(child.pid());
            if (t.length > 0) {
                ticks += t[0] + t[1];
            }
        }
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** utime, stime, cutime and cstime of a process in clock ticks; empty when unreadable (gone). */
    private static long[] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14
            return new long[] {
                Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])
            };
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    /** Mean private memory (clean and dirty) of the database's backends, in MiB; NaN when unreadable. */
    private static double backendPrivateMib(PgStats stats) throws SQLException {
        List<Long> pids = stats.backendPids();
        long kib = 0;
        int read = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                    if (line.startsWith("Private_Clean:") || line.startsWith("Private_Dirty:")) {
                        kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
                read++;
            } catch (IOException | RuntimeException e) {
                // the backend exited, or /proc is not readable: left out
            }
        }
        return read == 0 ? Double.NaN : kib / 1024.0 / read;
    }

    // ---------------------------------------------------------------- the tables

    /**
     * The results as Markdown tables.
     *
     * @param r a run's report
     * @return the tables
     */
    public static String markdown(Report r) {
        Settings s = r.settings();
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "Processes of %d instances sharing one HikariCP pool of %d read connections (push: one more per"
                        + " instance, for its LISTEN); max_connections %d; run took %d s.%n%n",
                s.perProcess(),
                s.readConnections(),
                r.maxConnections(),
                r.took().toSeconds()));
        b.append(String.format(
                Locale.ROOT,
                "Propagation: from `put` returning until each instance serves the new value, %d flips per step (after %d"
                        + " warm-up).%n%n",
                s.flips(),
                s.warmupFlips()));
        b.append(
                "| Mode | Instances | Poll interval | Each instance p50 / p99 / max (ms) | Last instance p50 / max (ms)"
                        + " | Missed | Loads / flip / instance | Kept up |\n");
        b.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Step st : r.steps()) {
            FlipTimes t = st.times();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %s | %,.1f / %,.1f / %,.1f | %,.1f / %,.1f | %d | %.2f | %s |%n",
                    label(st.mode()),
                    st.instances(),
                    FlipHarness.seconds(st.pollInterval()),
                    t.eachMillis(50),
                    t.eachMillis(99),
                    t.eachMillis(100),
                    t.lastMillis(50),
                    t.lastMillis(100),
                    t.missedApplications(),
                    st.loadsPerFlipPerInstance(),
                    st.keptUp() ? "yes" : "no"));
        }
        b.append(String.format(
                Locale.ROOT,
                "%nIdle load over %s with no writes: statements the instances executed (counted per instance),"
                        + " PostgreSQL's transactions, connections to the database (sampled each second), CPU over the"
                        + " window in cores, and the mean private memory of one backend.%n%n",
                FlipHarness.seconds(s.idleWindow())));
        b.append("| Mode | Instances | Processes | Head checks / s (per instance and interval) | Heartbeats / s"
                + " | Statements / s, all (per instance) | PostgreSQL transactions / s | WAL KiB / s (bytes per heartbeat)"
                + " | Connections held, mean (max)"
                + " | PostgreSQL CPU | JVM CPU | JVM threads | Backend private MiB | Load average |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Step st : r.steps()) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %d | %,.1f (%.2f) | %,.1f | %,.1f (%.3f) | %,.1f | %,.1f (%,.0f) | %,.1f (%,d) | %.2f | %.2f"
                            + " | %,d | %.1f"
                            + " | %s |%n",
                    label(st.mode()),
                    st.instances(),
                    st.processes(),
                    st.perSecond(Kind.HEAD),
                    st.headsPerInstancePerInterval(),
                    st.perSecond(Kind.HEARTBEAT),
                    st.statementsPerSecond(),
                    st.statementsPerSecond() / st.instances(),
                    st.pgTransactions() / st.idleSeconds(),
                    st.walBytes() / 1024.0 / st.idleSeconds(),
                    st.walBytes() / (double) Math.max(1, st.idle().of(Kind.HEARTBEAT)),
                    st.connectionsMean(),
                    st.connectionsMax(),
                    st.pgCpuCores(),
                    st.jvmCpuCores(),
                    st.jvmThreads(),
                    st.backendPrivateMib(),
                    st.loadAverage()));
        }
        for (Skipped k : r.skipped()) {
            b.append(String.format(
                    Locale.ROOT,
                    "%nPush with %,d instances not run: it holds %,d connections, the server allows %,d.",
                    k.instances(),
                    k.needed(),
                    k.allowed()));
        }
        b.append(String.format(Locale.ROOT, "%n"));
        return b.toString();
    }

    private static String label(Mode mode) {
        return mode == Mode.PUSH ? JdbcFlipTables.PUSH_LABEL : JdbcFlipTables.POLL_LABEL;
    }
}
