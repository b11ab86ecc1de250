package dev.cutover.benchmarks.flip;

import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.flip.CountingDataSource.Counts;
import dev.cutover.benchmarks.flip.CountingDataSource.Kind;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * How fast a flag flip reaches 50 service instances through {@code JdbcFlagStore} on PostgreSQL,
 * with push (LISTEN/NOTIFY) and with polling only, and what 50 idle instances cost the database.
 * A plain program, run by hand; see the README's "Flip propagation (flags-jdbc)" section.
 *
 * <p>Every instance is a {@link FlagClient} over its own {@link JdbcFlagStore} over its own
 * {@link CountingDataSource}, as 50 services would be ({@link JdbcFleet}). A separate writer store
 * flips the boolean flag, and {@link FlipHarness} times each flip until every client serves it.
 *
 * <p>Three sets of instances, one after the other: push (30 s polling as the safety net), push with
 * a HikariCP pool per instance instead of the unpooled data source, and poll only (1 s). Each set is
 * observed idle first, then flipped, then closed.
 */
public final class FlipPropagation {

    private FlipPropagation() {}

    /**
     * What one run does.
     *
     * @param clients service instances per mode
     * @param flips measured flips per mode
     * @param warmupFlips flips before those, not measured
     * @param pause wait after a flip reached every instance, before the next write
     * @param pushPollInterval poll interval of the push clients (long, so only push explains speed)
     * @param pollInterval poll interval of the poll-only clients (jitter: the default 0.1)
     * @param idleWindow how long the idle load is observed, per mode
     * @param statsLag how long to wait before reading PostgreSQL's counters: PostgreSQL 14 hands a
     *     reader a statistics snapshot up to 500 ms old, and exiting backends report as they exit
     * @param pooledPush whether to measure push a second time with a HikariCP pool per instance
     */
    public record Settings(
            int clients,
            int flips,
            int warmupFlips,
            Duration pause,
            Duration pushPollInterval,
            Duration pollInterval,
            Duration idleWindow,
            Duration statsLag,
            boolean pooledPush) {

        /**
         * The recorded run: 50 instances, 200 flips per mode, 1 s polling, a 60 s idle window, and
         * the pooled push variant.
         *
         * @return the settings
         */
        public static Settings standard() {
            return new Settings(
                    50,
                    200,
                    5,
                    Duration.ofMillis(20),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(60),
                    Duration.ofMillis(1500),
                    true);
        }
    }

    /**
     * The measured flips of one mode.
     *
     * @param mode how the instances learned about a change
     * @param pooled whether each instance read through a pool
     * @param pollInterval the clients' poll interval
     * @param clients the instances
     * @param times the flips as timed; their {@code allFlips} is the count behind {@code counts} and
     *     {@code pgTransactions}
     * @param counts what the instances executed from the first flip until the last was served
     * @param pgTransactions transactions PostgreSQL counted in the database from the first flip until
     *     the instances were closed (instances and writer; closing flushes every backend's counters)
     */
    public record Propagation(
            Mode mode,
            boolean pooled,
            Duration pollInterval,
            int clients,
            FlipTimes times,
            Counts counts,
            long pgTransactions) {

        /**
         * Statements an instance executed per flip (head checks and loads; polls in between too).
         *
         * @return statements per flip and instance
         */
        public double statementsPerFlipPerInstance() {
            return counts.totalStatements() / (double) times.allFlips() / clients;
        }

        /**
         * Transactions PostgreSQL counted per flip, for all instances and the writer together.
         *
         * @return transactions per flip
         */
        public double pgTransactionsPerFlip() {
            return pgTransactions / (double) times.allFlips();
        }

        /** {@code n} per flip and instance. */
        double perFlipPerInstance(long n) {
            return n / (double) times.allFlips() / clients;
        }
    }

    /**
     * What idle instances cost over one window with no writes.
     *
     * @param window how long the window really lasted
     * @param perInstance each instance's counter deltas over the window
     * @param pgTransactions committed plus rolled-back transactions in the database, by PostgreSQL;
     *     complete only when no connection outlives the window (see {@link #pgComplete()})
     * @param pgSessions sessions (connections) opened to the database, by PostgreSQL
     * @param connectionSamples connections to the database in {@code pg_stat_activity}, sampled once a second
     */
    public record IdleLoad(
            Mode mode,
            boolean pooled,
            Duration pollInterval,
            Duration window,
            List<Counts> perInstance,
            long pgTransactions,
            long pgSessions,
            long[] connectionSamples) {

        /**
         * The instances' counters together.
         *
         * @return the sum over the instances
         */
        public Counts total() {
            return Tally.sum(perInstance, Counts.zero());
        }

        private double minutes() {
            return window.toNanos() / 60e9;
        }

        /**
         * Per instance per minute, of the total of {@code kind}.
         *
         * @param kind the statements counted
         * @return statements per instance per minute
         */
        public double perInstancePerMinute(Kind kind) {
            return total().of(kind) / (double) perInstance.size() / minutes();
        }

        /**
         * Every statement an instance executed, per instance per minute.
         *
         * @return statements per instance per minute
         */
        public double statementsPerInstancePerMinute() {
            return total().totalStatements() / (double) perInstance.size() / minutes();
        }

        /**
         * The most statements any one instance executed in the window.
         *
         * @return statements
         */
        public long maxStatementsOfOneInstance() {
            return perInstance.stream().mapToLong(Counts::totalStatements).max().orElse(0);
        }

        /**
         * Every statement of every instance, per minute.
         *
         * @return statements per minute
         */
        public double statementsPerMinute() {
            return total().totalStatements() / minutes();
        }

        /**
         * Connections the instances opened, per minute.
         *
         * @return connections per minute
         */
        public double connectionsOpenedPerMinute() {
            return total().connections() / minutes();
        }

        /**
         * PostgreSQL's transactions per minute.
         *
         * @return transactions per minute
         */
        public double pgTransactionsPerMinute() {
            return pgTransactions / minutes();
        }

        /**
         * PostgreSQL's sessions per minute.
         *
         * @return sessions per minute
         */
        public double pgSessionsPerMinute() {
            return pgSessions / minutes();
        }

        /**
         * Connections held, the mean of the samples.
         *
         * @return connections
         */
        public double connectionsMean() {
            return Arrays.stream(connectionSamples).average().orElse(0);
        }

        /**
         * Connections held, the most of any sample.
         *
         * @return connections
         */
        public long connectionsMax() {
            return Arrays.stream(connectionSamples).max().orElse(0);
        }

        /**
         * Whether PostgreSQL's counts cover the window exactly: only when every connection closes
         * within it (poll-only, unpooled). A long-lived backend (LISTEN, pool) may report a statement
         * with its next one, a poll interval or a keepalive later, in or out of the window.
         *
         * @return whether the transaction count is complete
         */
        public boolean pgComplete() {
            return mode == Mode.POLL && !pooled;
        }

        /**
         * One head check per instance per poll interval.
         *
         * @return head checks per instance per minute
         */
        public double expectedHeadsPerInstancePerMinute() {
            return 60_000.0 / pollInterval.toMillis();
        }
    }

    /**
     * Every mode of one run; the pooled push results are null when not measured.
     *
     * @param settings what ran
     * @param environment the machine, the JVM, PostgreSQL and the settings, as printed first
     * @param push push's flips
     * @param pushIdle push's idle window
     * @param poll poll only's flips
     * @param pollIdle poll only's idle window
     * @param pushPooled pooled push's flips, or null
     * @param pushPooledIdle pooled push's idle window, or null
     */
    public record Report(
            Settings settings,
            String environment,
            Propagation push,
            IdleLoad pushIdle,
            Propagation poll,
            IdleLoad pollIdle,
            Propagation pushPooled,
            IdleLoad pushPooledIdle) {}

    /**
     * Runs the standard settings and prints the results; exit status 1 only when setup fails.
     *
     * @param args none
     */
    public static void main(String[] args) {
        // stopped here, so zonky's own shutdown hook finds nothing left to stop; the support's hook
        // then deletes the data directory
        Mains.run(
                "flip propagation",
                () -> markdown(run(Settings.standard(), System.out)),
                () -> EmbeddedPostgresServer.get().stop());
    }

    /**
     * Starts (or reuses) the embedded server, creates a database, and measures both modes.
     *
     * @param settings what to run
     * @param log where the progress lines go
     * @return what was measured
     * @throws Exception when the server, the schema or the instances cannot start
     */
    public static Report run(Settings settings, PrintStream log) throws Exception {
        long started = System.nanoTime();
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        TestDatabase db = pg.createDatabase("flip_propagation");
        try (Connection monitor = pg.superuserConnection();
                JdbcFlagStore writerStore =
                        JdbcFlagStore.builder(db.dataSource()).build()) {
            monitor.setAutoCommit(true);
            PgStats stats = new PgStats(monitor, db.name());
            String environment = environment(stats, settings);
            log.println(environment);
            log.printf(
                    Locale.ROOT,
                    "embedded PostgreSQL ready in %d ms; database %s%n",
                    Duration.ofNanos(System.nanoTime() - started).toMillis(),
                    db.name());
            writerStore.createSchemaIfMissing();
            Writer writer = new Writer(writerStore);

            Phase push = phase(db, Mode.PUSH, false, settings.pushPollInterval(), writer, settings, stats, log);
            Phase pushPooled = settings.pooledPush()
                    ? phase(db, Mode.PUSH, true, settings.pushPollInterval(), writer, settings, stats, log)
                    : null;
            Phase poll = phase(db, Mode.POLL, false, settings.pollInterval(), writer, settings, stats, log);
            log.printf(
                    Locale.ROOT,
                    "run took %d s%n",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            return new Report(
                    settings,
                    environment,
                    push.flips(),
                    push.idle(),
                    poll.flips(),
                    poll.idle(),
                    pushPooled == null ? null : pushPooled.flips(),
                    pushPooled == null ? null : pushPooled.idle());
        }
    }

    /**
     * The results as Markdown tables.
     *
     * @param r a run's report
     * @return the tables
     */
    public static String markdown(Report r) {
        return JdbcFlipTables.markdown(r);
    }

    // ---------------------------------------------------------------- one mode

    /** One mode's results. */
    private record Phase(Propagation flips, IdleLoad idle) {}

    /**
     * Starts the instances, observes them idle, flips, and closes them. Idle comes first, before any
     * notification: PostgreSQL 14 reports a backend's counters with a statement only if its last
     * report is 500 ms old, else with its next statement, however late. A LISTEN backend's next
     * statement is its keepalive, up to a minute later, so the transactions it ran to read
     * notifications would land in a later idle window. Closing the instances ends every backend,
     * which reports everything it held back: the flips' count, taken after closing, is complete.
     */
    private static Phase phase(
            TestDatabase db,
            Mode mode,
            boolean pooled,
            Duration pollInterval,
            Writer writer,
            Settings s,
            PgStats stats,
            PrintStream log)
            throws Exception {
        JdbcFleet fleet = JdbcFleet.start(db, mode, pooled, s.clients(), pollInterval, writer, log);
        IdleLoad idle;
        FlipTimes times;
        Counts counts;
        long pgBefore;
        try {
            idle = fleet.idle(s.idleWindow(), s.statsLag(), stats, log);
            pgBefore = stats.transactionsAndSessions()[0];
            List<Counts> before = fleet.counts();
            times = FlipHarness.flips(fleet, writer, s.flips(), s.warmupFlips(), s.pause(), log);
            counts = Tally.sum(Tally.deltas(before, fleet.counts()), Counts.zero());
        } finally {
            fleet.close();
        }
        // every backend of the instances has exited and reported; give the reports time to land
        LockSupport.parkNanos(s.statsLag().toNanos());
        long pgTransactions = stats.transactionsAndSessions()[0] - pgBefore;
        Propagation p = new Propagation(mode, pooled, pollInterval, fleet.size(), times, counts, pgTransactions);
        log.printf(
                Locale.ROOT,
                "%s flips: per flip per instance %.2f statements (%.2f head checks, %.2f loads, %.2f other);"
                        + " PostgreSQL: %.1f transactions per flip, all instances and the writer%n",
                fleet.name(),
                p.statementsPerFlipPerInstance(),
                p.perFlipPerInstance(counts.of(Kind.HEAD)),
                p.perFlipPerInstance(counts.of(Kind.LOAD_FLAGS)),
                p.perFlipPerInstance(counts.totalStatements()
                        - counts.of(Kind.HEAD)
                        - counts.of(Kind.LOAD_FLAGS)
                        - counts.of(Kind.LOAD_REVISION)),
                p.pgTransactionsPerFlip());
        return new Phase(p, idle);
    }

    private static String environment(PgStats stats, Settings s) throws SQLException {
        return Mains.environment("flip propagation", "")
                + String.format(
                        Locale.ROOT,
                        "%n  PostgreSQL %s (embedded, zonky); per instance an unpooled PGSimpleDataSource (pooled variant: a"
                                + " HikariCP pool of %d connections)%n  %s",
                        stats.serverVersion(),
                        JdbcFleet.POOL_SIZE,
                        s);
    }
}
