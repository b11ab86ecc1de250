package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.cli.Cli.Result;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.fleet.FleetHeartbeat;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.H2Databases;
import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A fleet for the CLI's tests: a real flag store made by {@code cutover flags init}, and real
 * instances on it, each a {@link FlagClient} polling every {@link #POLL}, a dual-write proxy whose
 * stage follows the flag {@link #STAGE_FLAG}, and a {@link FleetHeartbeat} publishing every {@link
 * #INTERVAL}. An instance can be made to lag (its client's reads of the flag store fail from
 * then on, as behind a broken replica, while its heartbeats still go through) or be killed (its
 * link to the store is cut: no heartbeat is written or removed any more, as for a process that died).
 */
final class Fleet implements AutoCloseable {
    /** How often each instance polls the flag store. */
    static final Duration POLL = Duration.ofMillis(200);

    /**
     * How often each instance writes a heartbeat: an instance counts as missed after 3 of them
     * (1.5 s), which a loaded 2-core build machine never mistakes for a dead instance.
     */
    static final Duration INTERVAL = Duration.ofMillis(500);

    static final String STAGE_FLAG = "orders.migration";

    /** The kinds of flag store the fleet commands are tested on. */
    enum Kind {
        POSTGRES,
        H2,
        DYNAMODB
    }

    /** A repository interface for the instances' proxy, {@code orders}. */
    public interface Orders {
        String find(String id);
    }

    private final List<String> options;
    private Opener opener;
    private final List<DynamoDbClient> clients = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private final @Nullable TestDatabase db;

    @FunctionalInterface
    private interface Opener {
        WritableFlagStore open() throws Exception;
    }

    private Fleet(List<String> options, @Nullable Opener opener, @Nullable TestDatabase db) {
        this.options = options;
        this.opener = opener;
        this.db = db;
    }

    /** A fresh store of {@code kind}, created by {@code cutover flags init}, with no instance yet. */
    static Fleet create(Kind kind) {
        Fleet fleet = switch (kind) {
            case POSTGRES -> jdbc(Stores.postgres("cli_fleet"));
            case H2 -> jdbc(H2Databases.createDatabase("cli_fleet"));
            case DYNAMODB -> {
                String table = Stores.freshTable("cli-fleet");
                List<String> o = new ArrayList<>(List.of("--dynamodb-table", table));
                o.addAll(Stores.dynamoDbOptions());
                Fleet dynamo = new Fleet(List.copyOf(o), null, null);
                DynamoDbClient client = Stores.dynamoDbClient();
                dynamo.clients.add(client);
                dynamo.opener = () -> DynamoDbFlagStore.builder(client, table).build();
                yield dynamo;
            }
        };
        Result init = fleet.run("flags", "init");
        assertThat(init.code()).as("%s", init).isZero();
        return fleet;
    }

    private static Fleet jdbc(TestDatabase db) {
        return new Fleet(
                List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user()),
                () -> JdbcFlagStore.builder(db.dataSource()).build(),
                db);
    }

    /** The database of a JDBC store; null on DynamoDB. */
    TestDatabase db() {
        return Objects.requireNonNull(db, "a DynamoDB fleet has no database");
    }

    /** The command-line options naming the store. */
    List<String> options() {
        return options;
    }

    /** Runs {@code cutover ARGS} on this fleet's store. */
    Result run(String... args) {
        return Cli.run(options, args);
    }

    /** Runs {@code cutover ARGS} and asserts exit code {@code code}. */
    Result run(int code, String... args) {
        Result r = run(args);
        assertThat(r.code()).as("%s: %s", List.of(args), r).isEqualTo(code);
        return r;
    }

    /** A store of its own, as an application would open it; the caller closes it. */
    WritableFlagStore open() throws Exception {
        return Objects.requireNonNull(opener).open();
    }

    /** Starts an instance of {@code service}; it is live once its first heartbeat is stored. */
    Instance start(String service, String id) throws Exception {
        return start(service, id, INTERVAL);
    }

    /** Starts an instance of {@code service} writing a heartbeat every {@code heartbeat}. */
    Instance start(String service, String id, Duration heartbeat) throws Exception {
        Instance i = new Instance(this, service, id, heartbeat);
        instances.add(i);
        return i;
    }

    /** Waits until each of {@code these} has a live heartbeat holding at least {@code revision}. */
    void awaitHolding(long revision, Instance... these) throws Exception {
        try (WritableFlagStore store = open()) {
            FleetView view = FleetView.of((HeartbeatStore) store);
            Eventually.within(Duration.ofSeconds(20), "instances holding revision " + revision, () -> {
                try {
                    List<FleetView.Instance> seen = view.instances();
                    for (Instance i : these) {
                        boolean holds = seen.stream()
                                .anyMatch(s -> s.live()
                                        && s.heartbeat().service().equals(i.service)
                                        && s.heartbeat().instance().equals(i.id)
                                        && s.heartbeat().revision() >= revision);
                        if (!holds) {
                            return false;
                        }
                    }
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** Waits until {@code dead}'s heartbeat is stored but counted as missed. */
    void awaitMissed(Instance dead) throws Exception {
        try (WritableFlagStore store = open()) {
            FleetView view = FleetView.of((HeartbeatStore) store);
            Eventually.within(Duration.ofSeconds(20), dead.id + " missed", () -> {
                try {
                    return view.instances(dead.service).stream()
                            .anyMatch(s -> !s.live() && s.heartbeat().instance().equals(dead.id));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** Drops the heartbeat table, as in a store made before heartbeats existed; returns its name. */
    String dropHeartbeatTable() throws Exception {
        try (WritableFlagStore store = open()) {
            if (store instanceof DynamoDbFlagStore dynamoDb) {
                String table = dynamoDb.heartbeatTable();
                clients.get(0).deleteTable(b -> b.tableName(table));
                return table;
            }
        }
        OldTables.sql(db(), "DROP TABLE \"cutover_instances\"");
        return "cutover_instances";
    }

    /** The store's head revision. */
    long head() throws Exception {
        try (WritableFlagStore store = open()) {
            return store.headRevision();
        }
    }

    @Override
    public void close() {
        for (Instance i : instances) {
            i.close();
        }
        clients.forEach(DynamoDbClient::close);
    }

    /** One instance: a client, a proxy, a heartbeat, and the switches that make it lag or die. */
    static final class Instance implements AutoCloseable {
        final String service;
        final String id;
        final FlagClient client;
        final FleetHeartbeat heartbeat;
        private final WritableFlagStore store;
        private final Orders proxy;
        private final AtomicBoolean readsFail = new AtomicBoolean();
        private final AtomicBoolean linkCut = new AtomicBoolean();
        private boolean closed;

        private Instance(Fleet fleet, String service, String id, Duration interval) throws Exception {
            this.service = service;
            this.id = id;
            this.store = fleet.open();
            this.client = FlagClient.builder(new FailingReads(store, readsFail))
                    .pollInterval(POLL)
                    .storeTimeout(Duration.ofSeconds(2))
                    .storeRetry(1, Duration.ofMillis(50))
                    .build();
            this.proxy = DualWrite.of(Orders.class)
                    .oldStore(key -> "old " + key)
                    .newStore(key -> "new " + key)
                    .stageFlag(client, STAGE_FLAG)
                    .build();
            this.heartbeat = FleetHeartbeat.builder(
                            client, new CuttableHeartbeats((HeartbeatStore) store, linkCut), service)
                    .instance(id)
                    .interval(interval)
                    .stages(() -> Map.of(
                            "orders", DualWrite.control(proxy).stage(null).name()))
                    .start();
        }

        /** From now on this instance's client cannot read the flag store: it keeps serving what it has. */
        void lag() {
            readsFail.set(true);
        }

        /** Cuts this instance off the store and stops it, as a process that died: its heartbeat stays. */
        void kill() {
            linkCut.set(true);
            close();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            heartbeat.close();
            DualWrite.control(proxy).close(Duration.ofSeconds(5));
            client.close();
            store.close();
        }
    }

    /** A view of a flag store whose reads fail while {@code failing} is set; no push hints. */
    private record FailingReads(FlagStore store, AtomicBoolean failing) implements FlagStore {
        @Override
        public StoreSnapshot load() throws Exception {
            check();
            return store.load();
        }

        @Override
        public long headRevision() throws Exception {
            check();
            return store.headRevision();
        }

        @Override
        public Subscription subscribe(ChangeHintListener listener) {
            return Subscription.NONE;
        }

        private void check() throws IOException {
            if (failing.get()) {
                throw new IOException("the flag store's replica is unreachable");
            }
        }
    }

    /** The heartbeat store as an instance reaches it: writes and removals fail once the link is cut. */
    private record CuttableHeartbeats(HeartbeatStore store, AtomicBoolean cut) implements HeartbeatStore {
        @Override
        public void createHeartbeatTableIfMissing() throws Exception {
            store.createHeartbeatTableIfMissing();
        }

        @Override
        public void putHeartbeat(Heartbeat heartbeat) throws Exception {
            check();
            store.putHeartbeat(heartbeat);
        }

        @Override
        public List<Heartbeat> heartbeats(Instant now) throws Exception {
            check();
            return store.heartbeats(now);
        }

        @Override
        public void removeHeartbeat(String service, String instance) throws Exception {
            check();
            store.removeHeartbeat(service, instance);
        }

        @Override
        public int removeExpiredHeartbeats(Instant now) throws Exception {
            check();
            return store.removeExpiredHeartbeats(now);
        }

        private void check() throws IOException {
            if (cut.get()) {
                throw new IOException("connection reset: the instance is gone");
            }
        }
    }
}
