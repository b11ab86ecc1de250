package dev.cutover.benchmarks.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Series;
import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.kafka.KafkaChangeQueue;
import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Changes per second from a Kafka topic into PostgreSQL: the {@link KafkaChangeQueue} under a
 * {@link Mirror} applying through {@link JdbcVersionedTarget} (offsets committed after the apply),
 * against the same mirror on its in-process queue fed the same changes, and against a plain
 * consumer of the same topic that inserts without versions (two {@link KafkaConsumer}s in one group,
 * a plain {@code INSERT ... SELECT FROM unnest} per poll, a synchronous commit after each). A plain
 * program, run by hand; see the benchmarks README's "Change queue throughput: Kafka" section.
 *
 * <p>The topic is filled once (that rate is reported too); every round reads all of it with a new
 * group into fresh tables, the three systems one after the other in an order that rotates from
 * round to round. Each round checks that every change arrived (the mirror's {@code APPLIED}
 * count, the table's rows) and throws when not. A rate is changes per second of wall-clock time
 * from the start of the consumer (its joining the group included) until the last change is in
 * the table.
 */
public final class KafkaQueueThroughput {
    private static final int PARTITIONS = 4;
    private static final int WORKERS = 2;
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * What a run does.
     *
     * @param rows changes in the topic (one per key)
     * @param batchSize changes per apply, and records per poll of the plain consumer
     * @param warmupRounds rounds not counted
     * @param rounds rounds measured
     */
    public record Settings(int rows, int batchSize, int warmupRounds, int rounds) {
        /** 200,000 changes in batches of 500, 1 warm-up and 3 measured rounds. */
        public static Settings standard() {
            return new Settings(200_000, 500, 1, 3);
        }
    }

    /**
     * What a run measured.
     *
     * @param sendPerSecond the rate at which the topic was filled through {@code offer}
     * @param kafka the Kafka queue under the mirror
     * @param inProcess the mirror on its in-process queue
     * @param plain the plain consumer
     */
    public record Report(Settings settings, double sendPerSecond, Series kafka, Series inProcess, Series plain) {
        /** The Kafka queue's median over the plain consumer's. */
        public double ratio() {
            return kafka.median() / plain.median();
        }
    }

    private final Settings s;
    private final HikariDataSource pool;
    private final String servers;
    private final String topic;
    private final List<Change> changes;
    private final PrintStream log;

    private KafkaQueueThroughput(
            Settings s, HikariDataSource pool, String servers, String topic, List<Change> changes, PrintStream log) {
        this.s = s;
        this.pool = pool;
        this.servers = servers;
        this.topic = topic;
        this.changes = changes;
        this.log = log;
    }

    /**
     * Runs the standard settings and prints the results; exit status 1 when anything fails.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Mains.run(
                "kafka queue throughput",
                () -> markdown(run(Settings.standard(), System.out)),
                () -> EmbeddedPostgresServer.get().stop());
    }

    /** Starts a KRaft broker in this JVM and the embedded PostgreSQL, fills the topic, and measures. */
    public static Report run(Settings s, PrintStream log) throws Exception {
        log.println("load average at start: " + Mains.loadAverage());
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("kafka_throughput");
        KafkaClusterTestKit broker = broker();
        try (HikariDataSource pool = PostgresMeasurement.pool(db, false)) {
            String servers = broker.bootstrapServers();
            String topic = "kafka-throughput";
            Rows rows = Rows.generate(s.rows());
            log.println(Mains.environment("kafka queue throughput", Mains.maxHeap())
                    + String.format(
                            Locale.ROOT,
                            "%n  Kafka %s, one KRaft node in this JVM, topic of %d partitions; PostgreSQL embedded, pool of %d;"
                                    + " %s",
                            org.apache.kafka.common.utils.AppInfoParser.getVersion(),
                            PARTITIONS,
                            PostgresMeasurement.POOL_SIZE,
                            s));
            KafkaQueueThroughput m = new KafkaQueueThroughput(s, pool, servers, topic, rows.v1, log);
            double sendRate = m.fill();
            double[] kafka = new double[s.rounds()];
            double[] inProcess = new double[s.rounds()];
            double[] plain = new double[s.rounds()];
            for (int r = 0; r < s.warmupRounds() + s.rounds(); r++) {
                int round = r;
                int slot = r - s.warmupRounds();
                List<Runnable> steps = new ArrayList<>(List.of(
                        Rounds.unchecked(() -> keep(kafka, slot, m.kafka(round))),
                        Rounds.unchecked(() -> keep(inProcess, slot, m.inProcess(round))),
                        Rounds.unchecked(() -> keep(plain, slot, m.plain(round)))));
                Rounds.runRotated(steps, r);
            }
            log.println("load average at end: " + Mains.loadAverage());
            broker.close();
            return new Report(
                    s,
                    sendRate,
                    new Series("Kafka queue, versioned apply", s.rows(), kafka),
                    new Series("in-process queue, versioned apply", s.rows(), inProcess),
                    new Series("plain consumer, plain insert", s.rows(), plain));
        }
    }

    private static void keep(double[] into, int slot, double seconds) {
        if (slot >= 0) {
            into[slot] = seconds;
        }
    }

    /** A KRaft node, broker and controller at once, with group settings for a single node. */
    static KafkaClusterTestKit broker() throws Exception {
        KafkaClusterTestKit broker = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        broker.format();
        broker.startup();
        broker.waitForReadyBrokers();
        return broker;
    }

    /** Creates the topic and fills it through a queue's {@code offer}; returns changes per second until all were acknowledged. */
    private double fill() throws Exception {
        long t0 = System.nanoTime();
        try (KafkaChangeQueue sender = KafkaChangeQueue.builder(servers, topic)
                .name("throughput-sender")
                .createTopicIfMissing(PARTITIONS, 1)
                .build()) {
            for (Change c : changes) {
                if (!sender.offer(c, DEADLINE)) {
                    throw new IllegalStateException("no room for " + c + " within " + DEADLINE);
                }
            }
            if (!sender.flush(DEADLINE) || sender.counts().sent() != changes.size()) {
                throw new IllegalStateException("sent " + sender.counts() + " of " + changes.size());
            }
        }
        double seconds = Rounds.seconds(t0);
        log.println("topic filled: " + Rounds.rate(changes.size(), seconds));
        return changes.size() / seconds;
    }

    /** The mirror on the Kafka queue, from a new group; returns the seconds until every change was applied. */
    private double kafka(int round) throws Exception {
        JdbcVersionedTarget target = freshTarget("kq_kafka_" + round);
        long t0 = System.nanoTime();
        try (KafkaChangeQueue queue = KafkaChangeQueue.builder(servers, topic)
                .groupId("throughput-" + round)
                .name("throughput-" + round)
                .build()) {
            double seconds = mirror(target, queue, false, t0);
            log.println(Rounds.round(round) + " Kafka queue:      " + Rounds.rate(s.rows(), seconds));
            return seconds;
        }
    }

    /** The mirror on its in-process queue, observing the same changes; the seconds until every one was applied. */
    private double inProcess(int round) throws Exception {
        JdbcVersionedTarget target = freshTarget("kq_inprocess_" + round);
        double seconds = mirror(target, ChangeQueue.inProcess(10_000), true, System.nanoTime());
        log.println(Rounds.round(round) + " in-process queue: " + Rounds.rate(s.rows(), seconds));
        return seconds;
    }

    private double mirror(JdbcVersionedTarget target, ChangeQueue queue, boolean observe, long t0) throws Exception {
        Mirror<Change> mirror = Mirror.to(target)
                .mapping((Change c) -> List.of(c))
                .name("throughput")
                .queue(queue)
                .workers(WORKERS)
                .batchSize(s.batchSize())
                .build();
        try {
            if (observe) {
                changes.forEach(mirror::observe);
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (mirror.counts().applied() < s.rows()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("applied " + mirror.counts() + " within " + DEADLINE);
                }
                LockSupport.parkNanos(200_000);
            }
            double seconds = Rounds.seconds(t0);
            if (mirror.counts().applied() != s.rows() || rowCount(target.table()) != s.rows()) {
                throw new IllegalStateException("expected " + s.rows() + " applied: " + mirror.counts());
            }
            return seconds;
        } finally {
            mirror.close(Duration.ofSeconds(30));
            drop(target.table());
        }
    }

    /** Two plain consumers of a new group, each inserting its polls without versions; the seconds until all are in. */
    private double plain(int round) throws Exception {
        String table = "kq_plain_" + round;
        // the versioned target's freshly created table: the same columns, keys and index, written plainly
        freshTarget(table);
        AtomicLong inserted = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Thread t = new Thread(
                    () -> {
                        try {
                            consumePlain(round, table, inserted);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    },
                    "plain-consumer-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(DEADLINE.toMillis());
        }
        double seconds = Rounds.seconds(t0);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a plain consumer failed", failures.get(0));
        }
        long rows = rowCount(table);
        if (inserted.get() != s.rows() || rows != s.rows()) {
            throw new IllegalStateException("plain consumer inserted " + inserted + ", table has " + rows);
        }
        drop(table);
        log.println(Rounds.round(round) + " plain consumer:   " + Rounds.rate(s.rows(), seconds));
        return seconds;
    }

    private void consumePlain(int round, String table, AtomicLong inserted) throws Exception {
        Map<String, Object> config = Map.of(
                "bootstrap.servers",
                servers,
                "group.id",
                "plain-" + round,
                "enable.auto.commit",
                false,
                "auto.offset.reset",
                "earliest",
                "max.poll.records",
                s.batchSize());
        String[] keys = new String[s.batchSize()];
        long[] versions = new long[s.batchSize()];
        String[] payloads = new String[s.batchSize()];
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                Connection c = pool.getConnection()) {
            consumer.subscribe(List.of(topic));
            while (inserted.get() < s.rows() && System.nanoTime() - deadline < 0) {
                int n = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode change = MAPPER.readTree(r.value());
                    keys[n] = change.get("key").textValue();
                    versions[n] = change.get("version").longValue();
                    payloads[n] = MAPPER.writeValueAsString(change.get("payload"));
                    n++;
                }
                if (n > 0) {
                    PlainInsert.UNNEST.insert(c, PostgresMeasurement.q(table), keys, versions, payloads, n);
                    consumer.commitSync();
                    inserted.addAndGet(n);
                }
            }
        }
    }

    private JdbcVersionedTarget freshTarget(String table) throws SQLException {
        drop(table);
        JdbcVersionedTarget target = JdbcVersionedTarget.builder(pool)
                .table(table)
                .batchSize(s.batchSize())
                .build();
        target.createTableIfMissing();
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
        return target;
    }

    private long rowCount(String table) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT COUNT(*) FROM " + PostgresMeasurement.q(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void drop(String table) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + PostgresMeasurement.q(table));
        }
    }

    /** The results as Markdown. */
    public static String markdown(Report r) {
        Settings s = r.settings();
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "%,d changes (one per key) in a topic of %d partitions, %d consumers (mirror workers or plain"
                        + " consumer threads), batches of %d; %d warm-up + %d measured rounds; median (min to max)."
                        + " Topic filled through offer at %,.0f changes/s.%n%n",
                s.rows(),
                PARTITIONS,
                WORKERS,
                s.batchSize(),
                s.warmupRounds(),
                s.rounds(),
                r.sendPerSecond()));
        b.append("| Path into PostgreSQL | changes per s | Ratio to the plain consumer |\n| --- | ---: | ---: |\n");
        for (Series x : List.of(r.kafka(), r.inProcess(), r.plain())) {
            b.append(x.rowAgainst(r.plain()));
        }
        b.append(String.format(
                Locale.ROOT,
                "%nTarget: Kafka queue ≥ 0.8 × plain consumer: %s (%.2f)%n",
                r.ratio() >= 0.8 ? "met" : "**not met**",
                r.ratio()));
        return b.toString();
    }
}
