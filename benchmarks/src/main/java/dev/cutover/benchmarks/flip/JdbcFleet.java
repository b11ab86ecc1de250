package dev.cutover.benchmarks.flip;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.benchmarks.flip.CountingDataSource.Counts;
import dev.cutover.benchmarks.flip.CountingDataSource.Kind;
import dev.cutover.benchmarks.flip.FlipPropagation.IdleLoad;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.jdbc.JdbcDialect;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The instances of one set on PostgreSQL: each a {@link FlagClient} over its own {@link
 * JdbcFlagStore} over its own {@link CountingDataSource}, so each has its own LISTEN connection and
 * its own counters. Pooled: each instance's store reads through its own HikariCP pool of {@value
 * #POOL_SIZE} connections (HikariCP's defaults otherwise) over its counting data source, so
 * connections opened are still counted. Poll only: the store is wrapped so that it has no {@code
 * subscribe}.
 */
final class JdbcFleet extends PgFleet {

    static final String TABLE_PREFIX = "cutover_";
    /** Connections per instance in the pooled variant: one for LISTEN, two for reads. */
    static final int POOL_SIZE = 3;

    final boolean pooled;
    private final TestDatabase db;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<JdbcFlagStore> stores = new ArrayList<>();

    private JdbcFleet(TestDatabase db, Mode mode, boolean pooled, Duration pollInterval) {
        super(mode, pollInterval);
        this.db = db;
        this.pooled = pooled;
    }

    /** Starts {@code n} instances and waits until each serves the current value and, with push, listens. */
    static JdbcFleet start(
            TestDatabase db, Mode mode, boolean pooled, int n, Duration pollInterval, Writer writer, PrintStream log)
            throws Exception {
        JdbcFleet fleet = new JdbcFleet(db, mode, pooled, pollInterval);
        fleet.start(n, writer, log);
        return fleet;
    }

    @Override
    FlagClient newInstance(int i) throws Exception {
        CountingDataSource counting = new CountingDataSource(db.dataSource(), TABLE_PREFIX);
        dataSources.add(counting);
        DataSource ds = counting;
        if (pooled) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(counting);
            config.setPoolName("instance-" + (i + 1));
            config.setMaximumPoolSize(POOL_SIZE);
            HikariDataSource pool = new HikariDataSource(config);
            pools.add(pool);
            ds = pool;
        }
        JdbcFlagStore store = JdbcFlagStore.builder(ds)
                .tablePrefix(TABLE_PREFIX)
                .dialect(JdbcDialect.POSTGRESQL)
                .build();
        stores.add(store);
        FlagStore seen = mode == Mode.PUSH ? store : new PollOnlyStore(store);
        return FlagClient.builder(seen).pollInterval(pollInterval).build();
    }

    @Override
    String name() {
        return super.name() + (pooled ? "-pooled" : "");
    }

    @Override
    void closeStores() {
        for (JdbcFlagStore s : stores) {
            s.close();
        }
        for (HikariDataSource p : pools) {
            p.close();
        }
    }

    /** Observes the instances for one window with no writes, sampling the database's connections once a second. */
    IdleLoad idle(Duration window, Duration statsLag, PgStats stats, PrintStream log) throws SQLException {
        LockSupport.parkNanos(
                FlipHarness.settle(pollInterval, window).plus(statsLag).toNanos());
        log.printf(Locale.ROOT, "%s: idle for %s, no writes%n", name(), FlipHarness.seconds(window));
        List<Counts> before = counts();
        long[] pgBefore = stats.transactionsAndSessions();
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
                samples.add(stats.connections());
                next += Duration.ofSeconds(1).toNanos();
            }
            LockSupport.parkNanos(Math.max(1, Math.min(next, end) - System.nanoTime()));
        }
        List<Counts> after = counts();
        long[] pgAfter = stats.transactionsAndSessions();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        IdleLoad idle = new IdleLoad(
                mode,
                pooled,
                pollInterval,
                elapsed,
                Tally.deltas(before, after),
                pgAfter[0] - pgBefore[0],
                pgAfter[1] - pgBefore[1],
                samples.stream().mapToLong(Long::longValue).toArray());
        Counts t = idle.total();
        log.printf(
                Locale.ROOT,
                "%s idle: %.1f s; JDBC: %d connections opened, %d head, %d load (revision + flags: %d + %d), %d keepalive,"
                        + " %d listen, %d other; PostgreSQL: %d transactions, %d sessions; connections %.1f mean, %d max%n",
                name(),
                elapsed.toMillis() / 1e3,
                t.connections(),
                t.of(Kind.HEAD),
                t.of(Kind.LOAD_FLAGS),
                t.of(Kind.LOAD_REVISION),
                t.of(Kind.LOAD_FLAGS),
                t.of(Kind.KEEPALIVE),
                t.of(Kind.LISTEN),
                t.of(Kind.OTHER),
                idle.pgTransactions(),
                idle.pgSessions(),
                idle.connectionsMean(),
                idle.connectionsMax());
        return idle;
    }

    /** The store as a service without push sees it: every call delegated except {@code subscribe}. */
    static final class PollOnlyStore implements FlagStore {
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
}
