package dev.cutover.benchmarks.flip;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.flip.CountingDataSource.Kind;
import dev.cutover.benchmarks.flip.CountingDynamoDb.Call;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.fleet.FleetHeartbeat;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.jdbc.JdbcDialect;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * What the fleet view costs a flag store: {@code n} poll-only service instances, each a {@link
 * FlagClient} with a {@link FleetHeartbeat} at the poll interval, idle for a window, on embedded
 * PostgreSQL and on DynamoDB Local. Counts every statement or request each instance sends, by kind,
 * and scales it to one minute. Then flips the flag a few times and measures how long the operator's
 * {@link FleetView#awaitRevision} takes to see every instance hold the new revision.
 *
 * <p>Run by hand (see {@code benchmarks/README.md}, "Fleet view: idle cost"); {@code
 * FleetIdleCostTest} runs it in miniature in {@code mvn verify}.
 */
public final class FleetIdleCost {

    /** The DynamoDB flag table. */
    static final String TABLE = "cutover-fleet-flags";

    /**
     * What to run.
     *
     * @param instances instances per store
     * @param services the instances are spread over this many services
     * @param pollInterval each instance's poll and heartbeat interval
     * @param window how long the idle fleet is counted
     * @param flips flips measured through the fleet view
     */
    public record Settings(int instances, int services, Duration pollInterval, Duration window, int flips) {
        /** 50 instances of 10 services, polling every 5 s, counted for 60 s, 5 flips. */
        public static Settings standard() {
            return new Settings(50, 10, Duration.ofSeconds(5), Duration.ofSeconds(60), 5);
        }
    }

    /**
     * One store's result.
     *
     * @param store the store
     * @param perInstancePerMinute statements or requests per instance and minute while idle, by
     *     kind: head checks, heartbeats, everything else
     * @param connectionsPerInstancePerMinute connections opened per instance and minute (JDBC; 0
     *     for DynamoDB, whose SDK keeps its HTTP connections)
     * @param fleetRead how long one {@link FleetView#instances()} of the whole fleet took, median
     * @param flipSeen for each flip, from the write's commit until the fleet view saw every instance
     *     hold it
     */
    public record Result(
            String store,
            double[] perInstancePerMinute,
            double connectionsPerInstancePerMinute,
            Duration fleetRead,
            List<Duration> flipSeen) {}

    private FleetIdleCost() {}

    /**
     * Runs the standard settings on both stores and prints the results.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Mains.run(
                "fleet idle cost",
                () -> markdown(
                        Settings.standard(),
                        List.of(postgres(Settings.standard(), System.out), dynamoDb(Settings.standard(), System.out))),
                () -> EmbeddedPostgresServer.get().stop());
    }

    /** The fleet on embedded PostgreSQL, each instance on its own unpooled, counting data source. */
    public static Result postgres(Settings settings, PrintStream log) throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        TestDatabase db = pg.createDatabase("fleet_idle_cost");
        List<CountingDataSource> counters = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        try (JdbcFlagStore operator = JdbcFlagStore.builder(db.dataSource()).build()) {
            operator.createSchemaIfMissing();
            Writer writer = new Writer(operator);
            for (int i = 0; i < settings.instances(); i++) {
                CountingDataSource counting = new CountingDataSource(db.dataSource(), JdbcFleet.TABLE_PREFIX);
                counters.add(counting);
                JdbcFlagStore store = JdbcFlagStore.builder(counting)
                        .tablePrefix(JdbcFleet.TABLE_PREFIX)
                        .dialect(JdbcDialect.POSTGRESQL)
                        .build();
                open.add(store);
                startInstance(i, settings, store, store, open);
            }
            return measure("PostgreSQL (JdbcFlagStore)", settings, operator, operator, writer, log, () -> {
                long[] byKind = new long[3];
                long connections = 0;
                for (CountingDataSource c : counters) {
                    CountingDataSource.Counts n = c.counts();
                    byKind[0] += n.of(Kind.HEAD);
                    byKind[1] += n.of(Kind.HEARTBEAT);
                    byKind[2] += n.totalStatements() - n.of(Kind.HEAD) - n.of(Kind.HEARTBEAT);
                    connections += n.connections();
                }
                return new long[] {byKind[0], byKind[1], byKind[2], connections};
            });
        } finally {
            closeAll(open);
        }
    }

    /** The fleet on DynamoDB Local in this JVM, each instance with its own counting client. */
    public static Result dynamoDb(Settings settings, PrintStream log) throws Exception {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        List<CountingDynamoDb> counters = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        try (DynamoDbFlagStore operator =
                DynamoDbFlagStore.builder(local.dynamoDbClient(), TABLE).build()) {
            operator.createTableIfMissing();
            Writer writer = new Writer(operator);
            for (int i = 0; i < settings.instances(); i++) {
                CountingDynamoDb counting = new CountingDynamoDb();
                counters.add(counting);
                DynamoDbFlagStore store = DynamoDbFlagStore.builder(counting.dynamoDb(local.dynamoDbClient()), TABLE)
                        .build();
                open.add(store);
                startInstance(i, settings, store, store, open);
            }
            return measure("DynamoDB (DynamoDbFlagStore)", settings, operator, operator, writer, log, () -> {
                long[] sums = new long[4];
                for (CountingDynamoDb c : counters) {
                    CountingDynamoDb.Counts n = c.counts();
                    long all = 0;
                    for (Call call : Call.values()) {
                        all += n.of(call);
                    }
                    sums[0] += n.of(Call.GET_ITEM);
                    sums[1] += n.of(Call.PUT_ITEM);
                    sums[2] += all - n.of(Call.GET_ITEM) - n.of(Call.PUT_ITEM);
                }
                return sums;
            });
        } finally {
            closeAll(open);
            local.shutdown();
        }
    }

    /** One instance: a poll-only client and its heartbeat, service {@code svc-NN}, instance {@code i-NNN}. */
    private static void startInstance(
            int i, Settings settings, FlagStore store, HeartbeatStore heartbeats, List<AutoCloseable> open) {
        FlagClient client = FlagClient.builder(new JdbcFleet.PollOnlyStore(store))
                .pollInterval(settings.pollInterval())
                .build();
        open.add(0, client);
        FleetHeartbeat heartbeat = FleetHeartbeat.builder(
                        client, heartbeats, String.format(Locale.ROOT, "svc-%02d", i % settings.services() + 1))
                .instance(String.format(Locale.ROOT, "i-%03d", i + 1))
                .interval(settings.pollInterval())
                .stages(() -> Map.of("orders", "SHADOW"))
                .start();
        open.add(0, heartbeat);
    }

    private static Result measure(
            String name,
            Settings settings,
            WritableFlagStore flags,
            HeartbeatStore heartbeats,
            Writer writer,
            PrintStream log,
            java.util.concurrent.Callable<long[]> counts)
            throws Exception {
        FleetView view = FleetView.of(heartbeats);
        long revision = flags.headRevision();
        // an instance that has not written its first heartbeat is not in the view at all: count them
        long readyBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        FleetView.Wait ready;
        do {
            ready = view.awaitRevision(revision, null, null, Duration.ofSeconds(1), Duration.ofMillis(100));
        } while (ready.holding().size() < settings.instances() && System.nanoTime() < readyBy);
        if (!ready.reached() || ready.holding().size() != settings.instances()) {
            throw new IllegalStateException(name + ": " + ready.holding().size() + " of " + settings.instances()
                    + " instances reported revision " + revision + " within 60 s");
        }
        // let the start-up writes (first load, first heartbeat) pass, and the instances' phases spread
        LockSupport.parkNanos(
                settings.pollInterval().multipliedBy(3).dividedBy(2).toNanos());
        long[] before = counts.call();
        long start = System.nanoTime();
        LockSupport.parkNanos(settings.window().toNanos());
        long[] after = counts.call();
        double minutes = (System.nanoTime() - start) / 60e9;
        double[] perMinute = new double[3];
        for (int k = 0; k < 3; k++) {
            perMinute[k] = (after[k] - before[k]) / minutes / settings.instances();
        }
        double connections = (after[3] - before[3]) / minutes / settings.instances();
        log.printf(
                Locale.ROOT,
                "%s: %d instances idle for %.1f s: per instance and minute %.2f head checks, %.2f heartbeats, %.2f other%n",
                name,
                settings.instances(),
                minutes * 60,
                perMinute[0],
                perMinute[1],
                perMinute[2]);

        List<Long> reads = new ArrayList<>();
        for (int r = 0; r < 11; r++) {
            long t = System.nanoTime();
            int seen = view.instances().size();
            reads.add(System.nanoTime() - t);
            if (seen != settings.instances()) {
                throw new IllegalStateException(name + ": the fleet view lists " + seen + " instances");
            }
        }
        reads.sort(null);

        List<Duration> flips = new ArrayList<>();
        for (int f = 0; f < settings.flips(); f++) {
            writer.flip();
            long written = System.nanoTime();
            long target = flags.headRevision();
            FleetView.Wait wait = view.awaitRevision(
                    target, null, null, settings.pollInterval().multipliedBy(3), Duration.ofMillis(20));
            Duration seen = Duration.ofNanos(System.nanoTime() - written);
            if (!wait.reached()) {
                throw new IllegalStateException(name + ": flip " + (f + 1) + " not seen on every instance; laggards "
                        + wait.laggards().size() + ", missed " + wait.missed().size());
            }
            flips.add(seen);
            log.printf(Locale.ROOT, "%s: flip %d seen on every instance after %d ms%n", name, f + 1, seen.toMillis());
        }
        return new Result(name, perMinute, connections, Duration.ofNanos(reads.get(reads.size() / 2)), flips);
    }

    /** The results as Markdown, with the cost scaled to the default 30 s interval. */
    static String markdown(Settings s, List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%d instances of %d services, poll and heartbeat interval %s, idle window %s%n%n",
                s.instances(),
                s.services(),
                s.pollInterval(),
                s.window()));
        out.append("| store | head checks | heartbeats | other | total | at 30 s: total | connections opened |"
                + " fleet read (all instances) | flip seen by the fleet view, p50 / max |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        double scale = s.pollInterval().toMillis() / 30_000.0;
        for (Result r : results) {
            double total = r.perInstancePerMinute()[0] + r.perInstancePerMinute()[1] + r.perInstancePerMinute()[2];
            List<Duration> sorted = new ArrayList<>(r.flipSeen());
            sorted.sort(null);
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f ms | %d / %d ms |%n",
                    r.store(),
                    r.perInstancePerMinute()[0],
                    r.perInstancePerMinute()[1],
                    r.perInstancePerMinute()[2],
                    total,
                    total * scale,
                    r.connectionsPerInstancePerMinute(),
                    r.fleetRead().toNanos() / 1e6,
                    sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2).toMillis(),
                    sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).toMillis()));
        }
        out.append("\nCounts are per instance and minute at the interval above; \"at 30 s\" scales the total to the"
                + " default 30 s interval.\n");
        return out.toString();
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("close failed: " + e);
            }
        }
    }
}
