package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole path, each part real and in its own process where production has it so: a {@link
 * Mirror} in this JVM observes a stream of changes (20% of them moved out of order, 5% sent twice)
 * into a {@link KafkaChangeQueue} that only sends; two apply processes ({@link ConsumerProcess}, each
 * a JVM of its own in one consumer group) poll the topic and apply into PostgreSQL through the
 * versioned apply. One of them is killed with {@code kill -9} by its PID mid-run and started again.
 *
 * <p>At the end: the group's committed offsets reach the end of every partition (nothing stalled),
 * a reconciliation of the target against a table holding the expected final state is clean (nothing
 * lost, nothing resurrected), no apply failed, every change was applied at least once somewhere,
 * and every change that was delivered more than once was applied at most once: each other delivery
 * ended {@code DUPLICATE} (or {@code SUPERSEDED}, when a newer version of its key had landed).
 *
 * <p>100,000 changes (105,000 sent): some 45 s on 2 cores, processes and broker start included.
 */
class ObserverToPostgresEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(ObserverToPostgresEndToEndTest.class);
    private static final int CHANGES = 100_000;
    private static final int PARTITIONS = 6;
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void changesReachPostgresThroughKafkaAcrossAKilledConsumerProcess() throws Exception {
        long started = System.nanoTime();
        KafkaBroker broker = KafkaBroker.get();
        String topic = broker.createTopic(KafkaBroker.uniqueName("e2e"), PARTITIONS);
        String group = topic + "-apply";
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("kafka_e2e");
        JdbcVersionedTarget mirrored =
                JdbcVersionedTarget.builder(db.dataSource()).table("mirrored").build();
        mirrored.createTableIfMissing();
        JdbcVersionedTarget expected =
                JdbcVersionedTarget.builder(db.dataSource()).table("expected").build();
        expected.createTableIfMissing();

        Plan plan = Plan.of(CHANGES, 17);
        List<Change> finals = new ArrayList<>(plan.finalState.values());
        for (int i = 0; i < finals.size(); i += 1000) {
            expected.apply(finals.subList(i, Math.min(finals.size(), i + 1000)));
        }

        Child first = Child.start(broker, topic, group, db, dir, "first");
        Child second = Child.start(broker, topic, group, db, dir, "second");
        await().atMost(DEADLINE).until(() -> first.ready() && second.ready());

        try (KafkaChangeQueue out = KafkaChangeQueue.builder(broker.bootstrapServers(), topic)
                .name("e2e-observer")
                .build()) {
            Mirror<Change> observer = Mirror.to(mirrored)
                    .mapping((Change c) -> List.of(c))
                    .queue(out)
                    .workers(1)
                    .maxBlock(Duration.ofSeconds(30))
                    .build();
            long observing = System.nanoTime();
            CompletableFuture<Void> observed = CompletableFuture.runAsync(() -> plan.stream.forEach(observer::observe));

            // kill -9 the first apply process mid-run, once it has applied a few hundred changes
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> first.loggedLines() >= 500);
            long killedAt = first.loggedLines();
            first.kill9();
            Child restarted = Child.start(broker, topic, group, db, dir, "restarted");

            observed.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            LOG.info("observed {} in {} ms", plan.stream.size(), (System.nanoTime() - observing) / 1_000_000);
            assertThat(out.flush(DEADLINE))
                    .as("every accepted change acknowledged by the broker")
                    .isTrue();
            long observeMillis = (System.nanoTime() - observing) / 1_000_000;
            MirrorCounts counts = observer.counts();
            assertThat(counts.dropped())
                    .as("nothing dropped on the way in: %s", counts)
                    .isZero();
            assertThat(counts.failed()).isZero();
            assertThat(out.counts().accepted()).isEqualTo(plan.stream.size());
            assertThat(out.counts().undelivered()).isZero();
            // its workers poll a queue that only sends: nothing of this process settles here
            observer.close(Duration.ofMillis(100));

            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> committedToTheEnd(broker.admin(), topic, group));
            long appliedMillis = (System.nanoTime() - observing) / 1_000_000;
            LOG.info("applied and committed after {} ms", appliedMillis);

            ReconciliationReport report =
                    Reconciler.between(expected, mirrored).pageSize(2000).run();
            assertThat(report.clean()).as(report.summary()).isTrue();

            second.stop();
            restarted.stop();

            Outcomes outcomes = Outcomes.read(List.of(first.log, second.log, restarted.log));
            assertThat(outcomes.failures).as("apply failures").isEmpty();
            Set<Key> neverApplied = new HashSet<>(plan.copies.keySet());
            neverApplied.removeAll(outcomes.byChange.keySet());
            assertThat(neverApplied)
                    .as("every change applied (or found applied) somewhere")
                    .isEmpty();
            List<String> appliedTwice = new ArrayList<>();
            int redelivered = 0;
            for (Map.Entry<Key, List<String>> e : outcomes.byChange.entrySet()) {
                List<String> seen = e.getValue();
                if (Collections.frequency(seen, "APPLIED") > 1) {
                    appliedTwice.add(e.getKey() + " " + seen);
                }
                redelivered += Math.max(0, seen.size() - plan.copies.getOrDefault(e.getKey(), 1));
                if (!List.of("APPLIED", "DUPLICATE", "SUPERSEDED").containsAll(seen)) {
                    appliedTwice.add(e.getKey() + " ended " + seen);
                }
            }
            assertThat(appliedTwice)
                    .as("a change delivered again never applies twice, and ends APPLIED, DUPLICATE or SUPERSEDED")
                    .isEmpty();
            assertThat(redelivered)
                    .as("the killed process left changes it had polled and not acknowledged to the others")
                    .isPositive();
            LOG.info(
                    "{} changes ({} sent) through Kafka into PostgreSQL, first process killed after {} outcomes:"
                            + " observed in {} ms, all applied and committed after {} ms, {} deliveries again;"
                            + " test total {} ms",
                    CHANGES,
                    plan.stream.size(),
                    killedAt,
                    observeMillis,
                    appliedMillis,
                    redelivered,
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            first.destroy();
            second.destroy();
        }
    }

    private static boolean committedToTheEnd(Admin admin, String topic, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    /** What the observer sends: the changes, some out of order, some twice; and what must result. */
    private static final class Plan {
        final List<Change> stream;
        final Map<Key, Integer> copies = new HashMap<>();
        final Map<String, Change> finalState = new LinkedHashMap<>();

        private Plan(List<Change> distinct, List<Change> stream) {
            this.stream = stream;
            for (Change c : stream) {
                copies.merge(Key.of(c), 1, Integer::sum);
            }
            for (Change c : distinct) {
                Change had = finalState.get(c.key());
                if (had == null || had.version() < c.version()) {
                    finalState.put(c.key(), c);
                }
            }
        }

        static Plan of(int count, long seed) {
            Random random = new Random(seed);
            int keys = Math.max(1, count / 10);
            long[] versions = new long[keys];
            List<Change> distinct = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int k = random.nextInt(keys);
                String key = String.format("order-%06d", k);
                long version = ++versions[k];
                if (random.nextInt(100) < 8) {
                    distinct.add(Change.delete(key, version));
                } else {
                    ObjectNode payload = JsonNodeFactory.instance.objectNode();
                    payload.put("n", version);
                    payload.put("big", Long.MAX_VALUE - i);
                    payload.put("amount", new BigDecimal("12.50").add(BigDecimal.valueOf(i, 2)));
                    payload.put("text", "é漢字\uD83D\uDE42 " + i);
                    distinct.add(Change.upsert(key, version, payload));
                }
            }
            List<Change> stream = new ArrayList<>(distinct);
            // a fifth moved out of order: each swapped with one up to 50 places later
            for (int n = 0; n < count / 10; n++) {
                int i = random.nextInt(stream.size() - 51);
                Collections.swap(stream, i, i + 1 + random.nextInt(50));
            }
            // one in twenty sent twice, the copy up to 200 places later
            for (int n = 0; n < count / 20; n++) {
                int i = random.nextInt(stream.size() - 201);
                stream.add(i + 1 + random.nextInt(200), stream.get(i));
            }
            return new Plan(distinct, stream);
        }
    }

    /** The outcome logs of every apply process, per change. */
    private static final class Outcomes {
        final Map<Key, List<String>> byChange = new HashMap<>();
        final List<String> failures = new ArrayList<>();

        static Outcomes read(List<Path> logs) throws IOException {
            Outcomes o = new Outcomes();
            for (Path log : logs) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t", -1);
                    if (f[0].equals("FAILED")) {
                        o.failures.add(line);
                    } else if (f.length == 4) { // a killed process may end with a line cut short
                        Change.Kind kind = Change.Kind.valueOf(f[2]);
                        o.byChange
                                .computeIfAbsent(new Key(f[0], Long.parseLong(f[1]), kind), c -> new ArrayList<>())
                                .add(f[3]);
                    }
                }
            }
            return o;
        }
    }

    /** A change as its outcome line names it. */
    private record Key(String key, long version, Change.Kind kind) {
        static Key of(Change c) {
            return new Key(c.key(), c.version(), c.kind());
        }
    }

    /** An apply process: a JVM of its own running {@link ConsumerProcess}. */
    private static final class Child {
        final Process process;
        final Path log;
        final Path output;

        private Child(Process process, Path log, Path output) {
            this.process = process;
            this.log = log;
            this.output = output;
        }

        static Child start(KafkaBroker broker, String topic, String group, TestDatabase db, Path dir, String name)
                throws IOException {
            Path log = dir.resolve(name + ".outcomes");
            Path output = dir.resolve(name + ".out");
            Files.createFile(log);
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> cmd = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m",
                    "-cp",
                    classPath,
                    ConsumerProcess.class.getName(),
                    broker.bootstrapServers(),
                    topic,
                    group,
                    db.jdbcUrl(),
                    "mirrored",
                    log.toString());
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            return new Child(p, log, output);
        }

        boolean ready() throws IOException {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "apply process ended with " + process.exitValue() + ": " + Files.readString(output));
            }
            return Files.readString(output).contains("READY");
        }

        /** Outcome lines so far (estimated from the log's size: some 40 bytes a line). */
        long loggedLines() throws IOException {
            return Files.size(log) / 40;
        }

        void kill9() throws Exception {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
                    .as("kill -9 %s", process.pid())
                    .isTrue();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        }

        void stop() throws Exception {
            try (OutputStream in = process.getOutputStream()) {
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
            assertThat(process.exitValue()).as(Files.readString(output)).isZero();
            assertThat(Files.readString(output)).contains("STOPPED");
        }

        void destroy() {
            process.destroyForcibly();
        }
    }
}
