package dev.cutover.benchmarks.flip;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.fleet.FleetHeartbeat;
import dev.cutover.flags.jdbc.JdbcDialect;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.FlagStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A large fleet on PostgreSQL, laid out as service processes: every {@code perProcess} instances
 * share one HikariCP pool (one "process"), and each instance is a {@link FlagClient} over its own
 * {@link JdbcFlagStore} over its own {@link CountingDataSource} over that pool, with a {@link
 * FleetHeartbeat} at the client's poll interval. What is shared is the pool only: each instance
 * has its own store, client, refresher thread, heartbeat thread and counters.
 *
 * <p>The pool holds {@code readConnections} connections for the instances' reads and heartbeats;
 * with push it holds one more per instance of the process, since each store's {@code LISTEN} keeps one
 * connection of its data source checked out. The pool is fixed-size (HikariCP's default {@code
 * minimumIdle} equals {@code maximumPoolSize}), so the connections a step holds are those of its
 * pools.
 */
final class ProcessFleet extends PgFleet {

    /** Threads that close the instances. */
    private static final int CLOSERS = 64;

    private final DataSource database;
    private final int size;
    private final int perProcess;
    private final int readConnections;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<JdbcFlagStore> stores = new ArrayList<>();
    private final List<FleetHeartbeat> heartbeats = new ArrayList<>();
    private boolean closed;

    private ProcessFleet(
            DataSource database, Mode mode, Duration pollInterval, int size, int perProcess, int readConnections) {
        super(mode, pollInterval);
        this.database = database;
        this.size = size;
        this.perProcess = perProcess;
        this.readConnections = readConnections;
    }

    /**
     * Starts {@code n} instances in processes of {@code perProcess} and waits until each serves the
     * writer's value and, with push, listens.
     */
    static ProcessFleet start(
            DataSource database,
            Mode mode,
            int n,
            int perProcess,
            int readConnections,
            Duration pollInterval,
            Writer writer,
            PrintStream log)
            throws Exception {
        ProcessFleet fleet = new ProcessFleet(database, mode, pollInterval, n, perProcess, readConnections);
        fleet.start(n, writer, log);
        return fleet;
    }

    /** Connections the pools of {@code n} instances hold: reads per process, and one per instance with push. */
    static int connections(Mode mode, int n, int perProcess, int readConnections) {
        int processes = processes(n, perProcess);
        return processes * readConnections + (mode == Mode.PUSH ? n : 0);
    }

    /** Processes (pools) of {@code n} instances, {@code perProcess} to a process. */
    static int processes(int n, int perProcess) {
        return (n + perProcess - 1) / perProcess;
    }

    @Override
    FlagClient newInstance(int i) throws Exception {
        int process = i / perProcess;
        if (process == pools.size()) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(database);
            config.setPoolName(String.format(Locale.ROOT, "process-%03d", process + 1));
            int listeners = mode == Mode.PUSH ? Math.min(perProcess, size - i) : 0;
            config.setMaximumPoolSize(readConnections + listeners);
            pools.add(new HikariDataSource(config));
        }
        CountingDataSource counting = new CountingDataSource(pools.get(process), JdbcFleet.TABLE_PREFIX);
        dataSources.add(counting);
        JdbcFlagStore store = JdbcFlagStore.builder(counting)
                .tablePrefix(JdbcFleet.TABLE_PREFIX)
                .dialect(JdbcDialect.POSTGRESQL)
                .build();
        stores.add(store);
        FlagStore seen = mode == Mode.PUSH ? store : new JdbcFleet.PollOnlyStore(store);
        FlagClient client = FlagClient.builder(seen).pollInterval(pollInterval).build();
        heartbeats.add(FleetHeartbeat.builder(client, store, String.format(Locale.ROOT, "svc-%03d", process + 1))
                .instance(String.format(Locale.ROOT, "i-%05d", i + 1))
                .interval(pollInterval)
                .stages(() -> Map.of("orders", "SHADOW"))
                .start());
        return client;
    }

    /** The processes (pools) started. */
    int processes() {
        return pools.size();
    }

    /**
     * Closes the heartbeats first (each removes its row through its client's store), then the
     * clients, then the stores and pools; each kind {@value #CLOSERS} at a time, since closing a push
     * store waits up to half a second for its LISTEN thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inParallel(heartbeats, FleetHeartbeat::close);
        inParallel(clients, FlagClient::close);
        closeStores();
    }

    @Override
    void closeStores() {
        inParallel(stores, JdbcFlagStore::close);
        for (HikariDataSource p : pools) {
            p.close();
        }
    }

    private static <T> void inParallel(List<T> all, Consumer<T> close) {
        ExecutorService closers = Executors.newFixedThreadPool(CLOSERS, r -> {
            Thread t = new Thread(r, "fleet-close");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (T each : all) {
                tasks.add(() -> {
                    close.accept(each);
                    return null;
                });
            }
            for (Future<Void> f : closers.invokeAll(tasks)) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    System.err.println("close failed: " + e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closers.shutdownNow();
        }
    }
}
