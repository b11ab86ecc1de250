package dev.cutover.benchmarks;

import dev.cutover.benchmarks.CountingDataSource.Counts;
import dev.cutover.benchmarks.CountingDataSource.Kind;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.jdbc.JdbcDialect;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * How fast a flag flip reaches 50 service instances through {@code JdbcFlagStore} on PostgreSQL,
 * with push (LISTEN/NOTIFY) and with polling only, and what 50 idle instances cost the database.
 * A plain program, run by hand; see the README's "Flip propagation (flags-jdbc)" section.
 *
 * <p>Every instance is a {@link FlagClient} over its own {@link JdbcFlagStore} over its own
 * {@link CountingDataSource}, as 50 services would be: each has its own LISTEN connection and its
 * own counters. A separate writer store flips the boolean flag {@value #FLAG}. For each flip the
 * clock starts when {@code put} returns (the write is committed) and the main thread then reads
 * {@code booleanValue} of every client, parking 50 µs between rounds, until each serves the new
 * value: what is measured is the value an evaluation returns, not the delivery of an event. The
 * propagation time of a flip is that of the last instance to serve it.
 *
 * <p>Three sets of instances, one after the other: push (30 s polling as the safety net), push with
 * a HikariCP pool per instance instead of the unpooled data source, and poll only (1 s). Each set is
 * observed idle first, then flipped, then closed.
 */
public final class FlipPropagation {

  static final String FLAG = "flip";
  static final String TABLE_PREFIX = "cutover_";
  private static final long SPIN_PARK_NANOS = 50_000;
  private static final Duration READY_WAIT = Duration.ofSeconds(30);
  /** Connections per instance in the pooled variant: one for LISTEN, two for reads. */
  static final int POOL_SIZE = 3;

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
     */
    public static Settings standard() {
      return new Settings(
          50, 200, 5, Duration.ofMillis(20), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60),
          Duration.ofMillis(1500), true);
    }
  }

  /** How the instances learn about a change. */
  public enum Mode {
    /** LISTEN/NOTIFY hints, with a long poll interval as the safety net. */
    PUSH,
    /** No subscription at all; polling only. */
    POLL
  }

  /**
   * The measured flips of one mode.
   *
   * @param lastNanos per flip, when the last instance served it; -1 if one never did
   * @param eachNanos per flip and instance, when that instance served it; -1 if it never did
   * @param putNanos per flip, how long {@code put} took
   * @param allFlips flips written, warm-up included: the count behind {@code counts} and {@code
   *     pgTransactions}
   * @param counts what the instances executed from the first flip until the last was served
   * @param pgTransactions transactions PostgreSQL counted in the database from the first flip until
   *     the instances were closed (instances and writer; closing flushes every backend's counters)
   */
  public record Propagation(
      Mode mode,
      boolean pooled,
      Duration pollInterval,
      int clients,
      long[] lastNanos,
      long[] eachNanos,
      long[] putNanos,
      int allFlips,
      Counts counts,
      long pgTransactions) {

    /** Flips that some instance did not serve before the deadline. */
    public int missedFlips() {
      return (int) Arrays.stream(lastNanos).filter(n -> n < 0).count();
    }

    /** Instance-flip pairs that never showed the new value. */
    public long missedApplications() {
      return Arrays.stream(eachNanos).filter(n -> n < 0).count();
    }

    /** Nearest-rank percentile, in ms, of the last instance's time over the flips every instance served. */
    public double lastMillis(double percentile) {
      return percentileMillis(lastNanos, percentile);
    }

    /** Nearest-rank percentile, in ms, over every instance-flip pair that was served. */
    public double eachMillis(double percentile) {
      return percentileMillis(eachNanos, percentile);
    }

    /** Like {@link #lastMillis}, but timed from the call to {@code put}: includes the write itself. */
    public double lastFromPutCallMillis(double percentile) {
      long[] total = new long[lastNanos.length];
      for (int i = 0; i < total.length; i++) {
        total[i] = lastNanos[i] < 0 ? -1 : lastNanos[i] + putNanos[i];
      }
      return percentileMillis(total, percentile);
    }

    /** Statements an instance executed per flip (head checks and loads; polls in between too). */
    public double statementsPerFlipPerInstance() {
      return counts.totalStatements() / (double) allFlips / clients;
    }

    /** Transactions PostgreSQL counted per flip, for all instances and the writer together. */
    public double pgTransactionsPerFlip() {
      return pgTransactions / (double) allFlips;
    }

    /** Nearest-rank percentile, in ms, of how long {@code put} took. */
    public double putMillis(double percentile) {
      return percentileMillis(putNanos, percentile);
    }

    /**
     * How many instance-flip pairs already served the new value at the first read after {@code
     * put} returned (under 1 ms): the writer thread was descheduled while instances applied it.
     */
    public long servedBeforePutReturned() {
      return Arrays.stream(eachNanos).filter(n -> n >= 0 && n < 1_000_000).count();
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

    public Counts total() {
      Counts sum = Counts.zero();
      for (Counts c : perInstance) {
        sum = sum.plus(c);
      }
      return sum;
    }

    private double minutes() {
      return window.toNanos() / 60e9;
    }

    /** Per instance per minute, of the total of {@code kind}. */
    public double perInstancePerMinute(Kind kind) {
      return total().of(kind) / (double) perInstance.size() / minutes();
    }

    /** Every statement an instance executed, per instance per minute. */
    public double statementsPerInstancePerMinute() {
      return total().totalStatements() / (double) perInstance.size() / minutes();
    }

    /** The most statements any one instance executed in the window. */
    public long maxStatementsOfOneInstance() {
      return perInstance.stream().mapToLong(Counts::totalStatements).max().orElse(0);
    }

    public double statementsPerMinute() {
      return total().totalStatements() / minutes();
    }

    public double connectionsOpenedPerMinute() {
      return total().connections() / minutes();
    }

    public double pgTransactionsPerMinute() {
      return pgTransactions / minutes();
    }

    public double pgSessionsPerMinute() {
      return pgSessions / minutes();
    }

    public double connectionsMean() {
      return Arrays.stream(connectionSamples).average().orElse(0);
    }

    public long connectionsMax() {
      return Arrays.stream(connectionSamples).max().orElse(0);
    }

    /**
     * Whether PostgreSQL's counts cover the window exactly: only when every connection closes
     * within it (poll-only, unpooled). A long-lived backend (LISTEN, pool) may report a statement
     * with its next one, a poll interval or a keepalive later, in or out of the window.
     */
    public boolean pgComplete() {
      return mode == Mode.POLL && !pooled;
    }

    /** One head check per instance per poll interval. */
    public double expectedHeadsPerInstancePerMinute() {
      return 60_000.0 / pollInterval.toMillis();
    }
  }

  /** Both modes of one run; the pooled push results are null when not measured. */
  public record Report(
      Settings settings,
      String environment,
      Propagation push,
      IdleLoad pushIdle,
      Propagation poll,
      IdleLoad pollIdle,
      Propagation pushPooled,
      IdleLoad pushPooledIdle) {}

  /** Runs the standard settings and prints the results; exit status 1 only when setup fails. */
  public static void main(String[] args) {
    // stopped here, so zonky's own shutdown hook finds nothing left to stop; the support's hook
    // then deletes the data directory
    Mains.run("flip propagation", () -> markdown(run(Settings.standard(), System.out)),
        () -> EmbeddedPostgresServer.get().stop());
  }


  /** Starts (or reuses) the embedded server, creates a database, and measures both modes. */
  public static Report run(Settings settings, PrintStream log) throws Exception {
    long started = System.nanoTime();
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
    TestDatabase db = pg.createDatabase("flip_propagation");
    try (Connection monitor = pg.superuserConnection();
        JdbcFlagStore writerStore = JdbcFlagStore.builder(db.dataSource()).build()) {
      monitor.setAutoCommit(true);
      String environment = environment(monitor, settings);
      log.println(environment);
      log.printf(Locale.ROOT, "embedded PostgreSQL ready in %d ms; database %s%n",
          Duration.ofNanos(System.nanoTime() - started).toMillis(), db.name());
      writerStore.createSchemaIfMissing();
      Writer writer = new Writer(writerStore);

      Phase push = phase(db, Mode.PUSH, false, settings.pushPollInterval(), writer, settings, monitor, log);
      Phase pushPooled = settings.pooledPush()
          ? phase(db, Mode.PUSH, true, settings.pushPollInterval(), writer, settings, monitor, log)
          : null;
      Phase poll = phase(db, Mode.POLL, false, settings.pollInterval(), writer, settings, monitor, log);
      log.printf(Locale.ROOT, "run took %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());
      return new Report(
          settings, environment, push.flips(), push.idle(), poll.flips(), poll.idle(),
          pushPooled == null ? null : pushPooled.flips(), pushPooled == null ? null : pushPooled.idle());
    }
  }

  // ---------------------------------------------------------------- flips

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
      TestDatabase db, Mode mode, boolean pooled, Duration pollInterval, Writer writer, Settings s,
      Connection monitor, PrintStream log) throws Exception {
    Fleet fleet = Fleet.start(db, mode, pooled, s.clients(), pollInterval, writer, log);
    IdleLoad idle;
    Propagation timed;
    Counts counts = Counts.zero();
    long pgBefore;
    try {
      idle = idle(fleet, s.idleWindow(), s.statsLag(), monitor, db.name(), log);
      pgBefore = pgDatabaseStats(monitor, db.name())[0];
      List<Counts> before = fleet.counts();
      timed = flips(fleet, writer, s, log);
      List<Counts> after = fleet.counts();
      for (int j = 0; j < after.size(); j++) {
        counts = counts.plus(after.get(j).minus(before.get(j)));
      }
    } finally {
      fleet.close();
    }
    // every backend of the instances has exited and reported; give the reports time to land
    LockSupport.parkNanos(s.statsLag().toNanos());
    long pgTransactions = pgDatabaseStats(monitor, db.name())[0] - pgBefore;
    Propagation p = new Propagation(timed.mode(), timed.pooled(), timed.pollInterval(), timed.clients(),
        timed.lastNanos(), timed.eachNanos(), timed.putNanos(), timed.allFlips(), counts, pgTransactions);
    Counts c = p.counts();
    log.printf(Locale.ROOT,
        "%s flips: per flip per instance %.2f statements (%.2f head checks, %.2f loads, %.2f other);"
            + " PostgreSQL: %.1f transactions per flip, all instances and the writer%n",
        fleet.name(), p.statementsPerFlipPerInstance(), perFlipPerInstance(p, c.of(Kind.HEAD)),
        perFlipPerInstance(p, c.of(Kind.LOAD_FLAGS)),
        perFlipPerInstance(p, c.totalStatements() - c.of(Kind.HEAD) - c.of(Kind.LOAD_FLAGS) - c.of(Kind.LOAD_REVISION)),
        p.pgTransactionsPerFlip());
    return new Phase(p, idle);
  }

  private static double perFlipPerInstance(Propagation p, long n) {
    return n / (double) p.allFlips() / p.clients();
  }

  /** Writes the warm-up and measured flips and times how each reaches every instance. */
  private static Propagation flips(Fleet fleet, Writer writer, Settings s, PrintStream log) throws Exception {
    int n = fleet.size();
    long deadline = fleet.pollInterval.toNanos() + fleet.pollInterval.toNanos() / 10 + Duration.ofSeconds(10).toNanos();
    long[] last = new long[s.flips()];
    long[] each = new long[s.flips() * n];
    long[] puts = new long[s.flips()];
    long[] applied = new long[n];
    int total = s.warmupFlips() + s.flips();
    for (int i = 0; i < total; i++) {
      long beforePut = System.nanoTime();
      boolean value = writer.flip();
      long t0 = System.nanoTime();
      awaitEverywhere(fleet.clients, value, t0, deadline, applied);
      long slowest = slowest(applied);
      boolean warmup = i < s.warmupFlips();
      if (!warmup) {
        int k = i - s.warmupFlips();
        last[k] = slowest;
        puts[k] = t0 - beforePut;
        System.arraycopy(applied, 0, each, k * n, n);
      }
      long[] sorted = applied.clone();
      Arrays.sort(sorted);
      log.printf(Locale.ROOT, "%s flip %3d/%d -> %-5s put %6.2f ms  first %8.2f ms  median %8.2f ms  last %s%s%n",
          fleet.name(), i + 1, total, value, (t0 - beforePut) / 1e6,
          sorted[0] / 1e6, sorted[(n - 1) / 2] / 1e6,
          slowest < 0 ? "MISSED by " + Arrays.stream(applied).filter(a -> a < 0).count() + " instances"
              : String.format(Locale.ROOT, "%8.2f ms", slowest / 1e6),
          warmup ? "  (warm-up)" : "");
      LockSupport.parkNanos(s.pause().toNanos());
    }
    return new Propagation(fleet.mode, fleet.pooled, fleet.pollInterval, n, last, each, puts, total, Counts.zero(), 0);
  }

  /**
   * Reads every client until each serves {@code value} or the deadline passes; {@code applied[j]}
   * is when client {@code j} first served it, in ns after {@code t0}, or -1.
   */
  static void awaitEverywhere(List<FlagClient> clients, boolean value, long t0, long deadlineNanos, long[] applied) {
    Arrays.fill(applied, -1);
    int left = clients.size();
    while (true) {
      for (int j = 0; j < applied.length; j++) {
        if (applied[j] < 0 && clients.get(j).booleanValue(FLAG, !value) == value) {
          applied[j] = System.nanoTime() - t0;
          left--;
        }
      }
      if (left == 0 || System.nanoTime() - t0 > deadlineNanos) {
        return;
      }
      LockSupport.parkNanos(SPIN_PARK_NANOS);
    }
  }

  /** The latest time in {@code applied}, or -1 if some instance never served the value. */
  static long slowest(long[] applied) {
    long max = 0;
    for (long a : applied) {
      if (a < 0) {
        return -1;
      }
      max = Math.max(max, a);
    }
    return max;
  }

  static double percentileMillis(long[] nanos, double percentile) {
    long[] served = Arrays.stream(nanos).filter(n -> n >= 0).sorted().toArray();
    if (served.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * served.length);
    return served[Math.max(0, Math.min(served.length, rank) - 1)] / 1e6;
  }

  // ---------------------------------------------------------------- idle

  private static IdleLoad idle(
      Fleet fleet, Duration window, Duration statsLag, Connection monitor, String database, PrintStream log)
      throws SQLException {
    // the instances started together, so their polls are in step for a while: open the window half
    // a poll interval after the start (at most a quarter window), so that it holds whole intervals
    Duration settle = fleet.pollInterval.dividedBy(2);
    if (settle.compareTo(window.dividedBy(4)) > 0) {
      settle = window.dividedBy(4);
    }
    LockSupport.parkNanos(settle.plus(statsLag).toNanos());
    log.printf(Locale.ROOT, "%s: idle for %s, no writes%n", fleet.name(), seconds(window));
    List<Counts> before = fleet.counts();
    long[] pgBefore = pgDatabaseStats(monitor, database);
    long start = System.nanoTime();
    long end = start + window.toNanos();
    List<Long> samples = new ArrayList<>();
    long next = start;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      if (now >= next) {
        samples.add(connections(monitor, database));
        next += Duration.ofSeconds(1).toNanos();
      }
      LockSupport.parkNanos(Math.max(1, Math.min(next, end) - System.nanoTime()));
    }
    List<Counts> after = fleet.counts();
    long[] pgAfter = pgDatabaseStats(monitor, database);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    List<Counts> deltas = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      deltas.add(after.get(i).minus(before.get(i)));
    }
    IdleLoad idle = new IdleLoad(
        fleet.mode, fleet.pooled, fleet.pollInterval, elapsed, deltas, pgAfter[0] - pgBefore[0], pgAfter[1] - pgBefore[1],
        samples.stream().mapToLong(Long::longValue).toArray());
    Counts t = idle.total();
    log.printf(Locale.ROOT,
        "%s idle: %.1f s; JDBC: %d connections opened, %d head, %d load (revision + flags: %d + %d), %d keepalive,"
            + " %d listen, %d other; PostgreSQL: %d transactions, %d sessions; connections %.1f mean, %d max%n",
        fleet.name(), elapsed.toMillis() / 1e3, t.connections(), t.of(Kind.HEAD),
        t.of(Kind.LOAD_FLAGS), t.of(Kind.LOAD_REVISION), t.of(Kind.LOAD_FLAGS), t.of(Kind.KEEPALIVE),
        t.of(Kind.LISTEN), t.of(Kind.OTHER), idle.pgTransactions(), idle.pgSessions(), idle.connectionsMean(),
        idle.connectionsMax());
    return idle;
  }

  /** {@code xact_commit + xact_rollback} and {@code sessions} of one database. */
  private static long[] pgDatabaseStats(Connection monitor, String database) throws SQLException {
    try (PreparedStatement ps = monitor.prepareStatement(
        "SELECT xact_commit + xact_rollback, sessions FROM pg_stat_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no pg_stat_database row for " + database);
        }
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static long connections(Connection monitor, String database) throws SQLException {
    try (PreparedStatement ps =
        monitor.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String environment(Connection monitor, Settings s) throws SQLException {
    String pgVersion;
    try (Statement st = monitor.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      pgVersion = rs.getString(1);
    }
    return String.format(Locale.ROOT,
        "flip propagation, %s%n  JVM: %s %s; %d cores; %s %s%n  PostgreSQL %s (embedded, zonky); per instance an"
            + " unpooled PGSimpleDataSource (pooled variant: a HikariCP pool of %d connections)%n  %s",
        Instant.now(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"),
        pgVersion, POOL_SIZE, s);
  }

  // ---------------------------------------------------------------- the instances and the writer

  /**
   * Flips the flag through its own store, which is not one of the instances. Creates the flag,
   * {@code false}, at version 1; the store must not hold it yet. Shared with {@link
   * DynamoDbFlipPropagation}.
   */
  static final class Writer {
    private final WritableFlagStore store;
    private final AuditInfo audit = new AuditInfo("flip-propagation", "benchmark flip");
    private long version;
    private boolean value;

    Writer(WritableFlagStore store) throws Exception {
      this.store = store;
      this.version = store.put(Flag.booleanFlag(FLAG, false), 0, new AuditInfo("flip-propagation", "benchmark setup")).version();
    }

    /** Writes the opposite value; returns it once the write committed. */
    boolean flip() throws Exception {
      boolean next = !value;
      version = store.put(Flag.booleanFlag(FLAG, next), version, audit).version();
      value = next;
      return next;
    }

    /** The value last written. */
    boolean value() {
      return value;
    }
  }

  /** The store as a service without push sees it: every call delegated except {@code subscribe}. */
  private static final class PollOnlyStore implements FlagStore {
    private final FlagStore delegate;

    PollOnlyStore(FlagStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public StoreSnapshot load() throws Exception {
      return delegate.load();
    }

    @Override
    public long headRevision() throws Exception {
      return delegate.headRevision();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** The service instances of one mode. */
  static final class Fleet implements AutoCloseable {
    final Mode mode;
    final boolean pooled;
    final Duration pollInterval;
    final List<CountingDataSource> dataSources = new ArrayList<>();
    final List<HikariDataSource> pools = new ArrayList<>();
    final List<JdbcFlagStore> stores = new ArrayList<>();
    final List<FlagClient> clients = new ArrayList<>();

    private Fleet(Mode mode, boolean pooled, Duration pollInterval) {
      this.mode = mode;
      this.pooled = pooled;
      this.pollInterval = pollInterval;
    }

    /**
     * Starts {@code n} instances and waits until each serves the current value (and, with push,
     * listens). Pooled: each instance's store reads through its own HikariCP pool of
     * {@value #POOL_SIZE} connections (HikariCP's defaults otherwise) over its counting data
     * source, so connections opened are still counted.
     */
    static Fleet start(
        TestDatabase db, Mode mode, boolean pooled, int n, Duration pollInterval, Writer writer, PrintStream log)
        throws SQLException {
      long started = System.nanoTime();
      Fleet fleet = new Fleet(mode, pooled, pollInterval);
      try {
        for (int i = 0; i < n; i++) {
          CountingDataSource counting = new CountingDataSource(db.dataSource(), TABLE_PREFIX);
          fleet.dataSources.add(counting);
          DataSource ds = counting;
          if (pooled) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(counting);
            config.setPoolName("instance-" + (i + 1));
            config.setMaximumPoolSize(POOL_SIZE);
            HikariDataSource pool = new HikariDataSource(config);
            fleet.pools.add(pool);
            ds = pool;
          }
          JdbcFlagStore store =
              JdbcFlagStore.builder(ds).tablePrefix(TABLE_PREFIX).dialect(JdbcDialect.POSTGRESQL).build();
          fleet.stores.add(store);
          FlagStore seen = mode == Mode.PUSH ? store : new PollOnlyStore(store);
          fleet.clients.add(FlagClient.builder(seen).pollInterval(pollInterval).build());
        }
        fleet.awaitReady(writer.value);
      } catch (RuntimeException | SQLException e) {
        fleet.close();
        throw e;
      }
      log.printf(Locale.ROOT, "%s: %d instances ready (poll interval %s) in %d ms%n",
          fleet.name(), n, pollInterval, Duration.ofNanos(System.nanoTime() - started).toMillis());
      return fleet;
    }

    String name() {
      return mode.name().toLowerCase(Locale.ROOT) + (pooled ? "-pooled" : "");
    }

    int size() {
      return clients.size();
    }

    private void awaitReady(boolean value) {
      long deadline = System.nanoTime() + READY_WAIT.toNanos();
      while (true) {
        int notReady = 0;
        int notListening = 0;
        for (int i = 0; i < clients.size(); i++) {
          FlagClient c = clients.get(i);
          if (c.status().state() != ClientStatus.State.READY || c.booleanValue(FLAG, !value) != value) {
            notReady++;
          }
          if (mode == Mode.PUSH && dataSources.get(i).listens() == 0) {
            notListening++;
          }
        }
        if (notReady == 0 && notListening == 0) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              mode + ": after " + READY_WAIT.toSeconds() + " s, " + notReady + " of " + clients.size()
                  + " instances do not serve the flag and " + notListening + " have no LISTEN connection");
        }
        LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
      }
      // the hint each LISTEN connection sends once connected triggers one more head check: let it pass
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }

    List<Counts> counts() {
      List<Counts> all = new ArrayList<>();
      for (CountingDataSource ds : dataSources) {
        all.add(ds.counts());
      }
      return all;
    }

    @Override
    public void close() {
      for (FlagClient c : clients) {
        c.close();
      }
      for (JdbcFlagStore s : stores) {
        s.close();
      }
      for (HikariDataSource p : pools) {
        p.close();
      }
    }
  }

  // ---------------------------------------------------------------- the table

  static final String PUSH_LABEL = "push (LISTEN/NOTIFY)";
  static final String POLL_LABEL = "poll only";
  static final String POOLED_LABEL = "push, HikariCP pool per instance";

  /** The results as Markdown tables. */
  public static String markdown(Report r) {
    StringBuilder b = new StringBuilder();
    Settings s = r.settings();
    b.append(String.format(Locale.ROOT,
        "Propagation: from `put` returning until the last of %d instances serves the new value, %d flips per"
            + " mode (after %d warm-up flips).%n%n", s.clients(), s.flips(), s.warmupFlips()));
    b.append("| Mode | Poll interval | p50 (ms) | p99 (ms) | max (ms) | Missed | Target | Met |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |\n");
    propagationRow(b, PUSH_LABEL, r.push(), 100);
    if (r.pushPooled() != null) {
      propagationRow(b, POOLED_LABEL, r.pushPooled(), 100);
    }
    propagationRow(b, POLL_LABEL, r.poll(), r.poll().pollInterval().toMillis() + 100);
    b.append(String.format(Locale.ROOT,
        "%nThe same flips, p50 / p99 / max (ms), and what they cost: statements JdbcFlagStore executed per"
            + " flip and instance, and transactions PostgreSQL counted per flip for all instances and the writer"
            + " together (counted until the instances closed), both over all %d flips, warm-up and polls between"
            + " flips included.%n%n",
        s.warmupFlips() + s.flips()));
    b.append("| Mode | Each instance on its own | Last instance, timed from the call to `put` | `put` itself"
        + " | Instance-flips served < 1 ms after `put` returned | Statements / flip / instance"
        + " | PostgreSQL transactions / flip, all |\n");
    b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    detailRow(b, PUSH_LABEL, r.push());
    if (r.pushPooled() != null) {
      detailRow(b, POOLED_LABEL, r.pushPooled());
    }
    detailRow(b, POLL_LABEL, r.poll());
    b.append(String.format(Locale.ROOT, "%n"));
    b.append(String.format(Locale.ROOT,
        "Idle load: %d instances, %s with no writes, before their first flip. Statements are those"
            + " JdbcFlagStore executed, counted per instance. PostgreSQL's transaction count is shown only where it"
            + " is complete, when no connection outlives the window (—: LISTEN or pooled connections report late).%n%n",
        s.clients(), seconds(s.idleWindow())));
    b.append("| Mode | Poll interval | Head checks / instance / min (expected) | Statements / instance / min"
        + " | Statements / min, all | PostgreSQL transactions / min | Connections opened / min"
        + " | Connections held, mean (max) |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    idleRow(b, PUSH_LABEL, r.pushIdle());
    if (r.pushPooledIdle() != null) {
      idleRow(b, POOLED_LABEL, r.pushPooledIdle());
    }
    idleRow(b, POLL_LABEL, r.pollIdle());
    return b.toString();
  }

  private static void propagationRow(StringBuilder b, String name, Propagation p, long targetMillis) {
    double p99 = p.lastMillis(99);
    b.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %d | p99 < %d ms | %s |%n",
        name, seconds(p.pollInterval()), p.lastMillis(50), p99, p.lastMillis(100), p.missedFlips(), targetMillis,
        p.missedFlips() == 0 && p99 < targetMillis ? "yes" : "no"));
  }

  private static void detailRow(StringBuilder b, String name, Propagation p) {
    b.append(String.format(Locale.ROOT,
        "| %s | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %d of %d | %.2f | %.0f |%n",
        name, p.eachMillis(50), p.eachMillis(99), p.eachMillis(100),
        p.lastFromPutCallMillis(50), p.lastFromPutCallMillis(99), p.lastFromPutCallMillis(100),
        p.putMillis(50), p.putMillis(99), p.putMillis(100), p.servedBeforePutReturned(), p.eachNanos().length,
        p.statementsPerFlipPerInstance(), p.pgTransactionsPerFlip()));
  }

  private static void idleRow(StringBuilder b, String name, IdleLoad i) {
    b.append(String.format(Locale.ROOT, "| %s | %s | %.2f (%.0f) | %.2f | %.0f | %s | %.0f | %.1f (%d) |%n",
        name, seconds(i.pollInterval()), i.perInstancePerMinute(Kind.HEAD), i.expectedHeadsPerInstancePerMinute(),
        i.statementsPerInstancePerMinute(), i.statementsPerMinute(),
        i.pgComplete() ? String.format(Locale.ROOT, "%.0f", i.pgTransactionsPerMinute()) : "—",
        i.connectionsOpenedPerMinute(), i.connectionsMean(), i.connectionsMax()));
  }

  static String seconds(Duration d) {
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMillis() < 1000 ? d.toMillis() + " ms" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1e3);
  }
}
