package dev.cutover.replication.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.replication.Change;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The proof: observer, SQS (ElasticMQ), two consumer processes (separate JVMs), a
 * {@link JdbcVersionedTarget} on embedded PostgreSQL. The changes go over a tenth as many keys;
 * 20% are displaced out of order and 5% offered twice. Mid-run one consumer is killed with {@code
 * kill -9} and started again; its messages in flight come back after the 5 s visibility timeout.
 * At the end: a reconciliation between a PostgreSQL table holding the final state of every key and
 * the target is clean, no change is lost (every one offered has an apply outcome in the consumers'
 * logs), no change was applied twice, and every delivery beyond the first of a change (a
 * redelivery or a second offer) ended {@code DUPLICATE}, or {@code SUPERSEDED} when a newer version
 * of its key had landed meanwhile.
 *
 * <p>10,000 changes by default; {@code -Dcutover.long=true} runs the 100,000 (see the README
 * for timings).
 */
class SqsEndToEndTest {
    private static final int MAX_DELAY = 2_000;
    private static final long SEED = 20_261_207L;
    private static final Pattern COUNTS = Pattern.compile("counts applied=(\\d+) .* redelivered=(\\d+) acked=(\\d+)");

    private record KeyVersion(String key, long version) {}

    private record Due(long position, Change change) {}

    @Test
    void twoConsumerProcessesOneKilledMidRunLeaveZeroDrift() throws Exception {
        int changes = Boolean.getBoolean("cutover.long") ? 100_000 : 10_000;
        int keys = changes / 10;
        TestDatabase db = DatabaseKind.POSTGRES.createDatabase("sqs_end_to_end");
        Path dir = Files.createTempDirectory("cutover-sqs-e2e");
        String url = ElasticMq.createQueue("end-to-end", false);
        assertThat(changes / 3).as("the kill comes after a backlog").isPositive();
        try (HikariDataSource pool = db.pooled(4)) {
            JdbcVersionedTarget target =
                    JdbcVersionedTarget.builder(pool).table("new_orders").build();
            target.createTableIfMissing();
            JdbcVersionedTarget old = JdbcVersionedTarget.builder(pool)
                    .table("old_orders")
                    .batchSize(JdbcVersionedTarget.MAX_BATCH_SIZE)
                    .build();
            old.createTableIfMissing();

            List<Consumer> consumers = new ArrayList<>();

            Map<KeyVersion, Integer> offered = new HashMap<>();
            long[] lastVersion = new long[keys];
            boolean[] lastDeleted = new boolean[keys];
            SplittableRandom random = new SplittableRandom(SEED);
            PriorityQueue<Due> held = new PriorityQueue<>((x, y) -> Long.compare(x.position(), y.position()));
            long started = System.nanoTime();
            long offers = 0;
            long displaced = 0;
            long duplicated = 0;
            boolean killed = false;
            try (SqsChangeQueue observer = SqsChangeQueue.builder(ElasticMq.client(), url)
                    .sendsInFlight(16)
                    .sendBuffer(5_000)
                    .build()) {
                for (long position = 0; position < changes; position++) {
                    int k = random.nextInt(keys);
                    long version = position + 1;
                    boolean delete = lastVersion[k] != 0 && !lastDeleted[k] && random.nextInt(10) == 0;
                    Change change = delete
                            ? Change.delete("order-" + k, version)
                            : Change.upsert(
                                    "order-" + k,
                                    version,
                                    JsonNodeFactory.instance
                                            .objectNode()
                                            .put("n", version)
                                            .put("amount", new java.math.BigDecimal(version + ".50"))
                                            .put("note", "é 𝄞 " + k));
                    lastVersion[k] = version;
                    lastDeleted[k] = delete;
                    if (random.nextInt(100) < 20) {
                        held.add(new Due(position + 1 + random.nextInt(MAX_DELAY), change));
                        displaced++;
                    } else {
                        offers += offer(observer, change, offered);
                    }
                    if (random.nextInt(100) < 5) {
                        held.add(new Due(position + 1 + random.nextInt(MAX_DELAY), change));
                        duplicated++;
                    }
                    while (!held.isEmpty() && held.peek().position() <= position) {
                        offers += offer(observer, held.poll().change(), offered);
                    }
                    if (!killed && position == changes / 3) {
                        // mid-run, with a third of the changes waiting: the consumers start; once the first
                        // has applied part of that backlog and holds a batch it has not acknowledged (its
                        // target stalls), it is killed and started again
                        consumers.add(Consumer.start(db, url, dir.resolve("a.log"), changes / 20));
                        consumers.add(Consumer.start(db, url, dir.resolve("b.log")));
                        Consumer a = consumers.get(0);
                        await().atMost(Duration.ofMinutes(2)).until(a::stalled);
                        a.kill();
                        consumers.set(0, Consumer.start(db, url, dir.resolve("a-restarted.log")));
                        consumers.add(a);
                        killed = true;
                    }
                }
                while (!held.isEmpty()) {
                    offers += offer(observer, held.poll().change(), offered);
                }
                assertThat(observer.close(Duration.ofMinutes(2))).isTrue();
                assertThat(observer.counts().sent()).isEqualTo(offers);
                long sentMillis = (System.nanoTime() - started) / 1_000_000;
                // every message deleted (in flight ones included): every change applied, acknowledged
                await().atMost(Duration.ofMinutes(10))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> observer.depth() == 0);
                long drainedMillis = (System.nanoTime() - started) / 1_000_000;

                long redelivered = 0;
                List<String> counts = new ArrayList<>();
                for (Consumer c : consumers.subList(0, 2)) {
                    Matcher m = c.stop();
                    counts.add(m.group());
                    redelivered += Long.parseLong(m.group(2));
                }
                assertThat(consumers.get(2).exitCode()).as("kill -9").isEqualTo(137);

                Map<KeyVersion, List<ApplyOutcome>> outcomes = new HashMap<>();
                long lines = 0;
                for (String log : List.of("a.log", "b.log", "a-restarted.log")) {
                    for (String line : Files.readAllLines(dir.resolve(log))) {
                        String[] f = line.split("\t");
                        outcomes.computeIfAbsent(new KeyVersion(f[0], Long.parseLong(f[1])), x -> new ArrayList<>())
                                .add(ApplyOutcome.valueOf(f[2]));
                        lines++;
                    }
                }
                Map<ApplyOutcome, Long> laterDeliveries = new EnumMap<>(ApplyOutcome.class);
                long appliedTwice = 0;
                for (List<ApplyOutcome> o : outcomes.values()) {
                    appliedTwice +=
                            o.stream().filter(x -> x == ApplyOutcome.APPLIED).count() > 1 ? 1 : 0;
                    // which delivery came first is not known across processes: count all but one
                    List<ApplyOutcome> rest = new ArrayList<>(o);
                    rest.remove(o.contains(ApplyOutcome.APPLIED) ? ApplyOutcome.APPLIED : o.get(0));
                    rest.forEach(x -> laterDeliveries.merge(x, 1L, Long::sum));
                }

                // the old store: the final state of every key, in PostgreSQL
                List<Change> finalState = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    if (lastVersion[k] != 0) {
                        long v = lastVersion[k];
                        finalState.add(
                                lastDeleted[k]
                                        ? Change.delete("order-" + k, v)
                                        : Change.upsert(
                                                "order-" + k,
                                                v,
                                                JsonNodeFactory.instance
                                                        .objectNode()
                                                        .put("n", v)
                                                        .put("amount", new java.math.BigDecimal(v + ".50"))
                                                        .put("note", "é 𝄞 " + k)));
                    }
                }
                for (int from = 0; from < finalState.size(); from += 1_000) {
                    old.apply(finalState.subList(from, Math.min(finalState.size(), from + 1_000)));
                }
                ReconciliationReport report = Reconciler.between(old, target)
                        .recheck(old::read, target::read)
                        .recheckAfter(Duration.ZERO)
                        .run();

                System.out.printf(
                        "sqs end to end: %,d changes (%,d displaced, %,d offered twice) over %,d keys; sent in %,d ms,"
                                + " applied by 2 consumer processes (one killed and restarted) in %,d ms (%,d changes/s);"
                                + " %,d deliveries logged, %,d redelivered by SQS to the survivors; deliveries beyond"
                                + " the first of a change: %s; reconciliation of %,d rows: %s; consumers: %s%n",
                        changes,
                        displaced,
                        duplicated,
                        keys,
                        sentMillis,
                        drainedMillis,
                        offers * 1000 / Math.max(1, drainedMillis),
                        lines,
                        redelivered,
                        laterDeliveries,
                        report.counts().oldRows(),
                        report.clean() ? "clean" : report.summary(),
                        counts);

                java.util.Set<KeyVersion> lost = new java.util.HashSet<>(offered.keySet());
                lost.removeAll(outcomes.keySet());
                assertThat(lost)
                        .as("0 lost: every change offered has an apply outcome")
                        .isEmpty();
                assertThat(appliedTwice).as("no change applied twice").isZero();
                assertThat(laterDeliveries.getOrDefault(ApplyOutcome.APPLIED, 0L))
                        .as("a later delivery never applies again")
                        .isZero();
                assertThat(lines)
                        .as("redeliveries and second offers were delivered")
                        .isGreaterThan(offered.size());
                assertThat(redelivered)
                        .as("the killed consumer's messages came back")
                        .isPositive();
                assertThat(report.clean()).as("%s", report).isTrue();
                assertThat(report.counts().oldRows()).isEqualTo(report.counts().newRows());
                assertThat(report.counts().oldRows())
                        .as("live keys")
                        .isEqualTo(
                                finalState.stream().filter(c -> !c.isDelete()).count());
            } finally {
                for (Consumer c : consumers) {
                    c.destroy();
                }
            }
        } finally {
            ElasticMq.deleteQueue(url);
        }
    }

    private static int offer(SqsChangeQueue queue, Change change, Map<KeyVersion, Integer> offered)
            throws InterruptedException {
        assertThat(queue.offer(change, Duration.ofMinutes(1)))
                .as("offer of %s", change)
                .isTrue();
        offered.merge(new KeyVersion(change.key(), change.version()), 1, Integer::sum);
        return 1;
    }

    /** A consumer process and its output. */
    private static final class Consumer {
        private final Process process;
        private final List<String> output = new ArrayList<>();
        private final CountDownLatch ready = new CountDownLatch(1);

        private Consumer(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "consumer-output-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        static Consumer start(TestDatabase db, String queueUrl, Path log) throws Exception {
            return start(db, queueUrl, log, Long.MAX_VALUE);
        }

        static Consumer start(TestDatabase db, String queueUrl, Path log, long stallAfter) throws Exception {
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp",
                    classpath,
                    SqsConsumerProcess.class.getName(),
                    ElasticMq.endpoint().toString(),
                    queueUrl,
                    db.jdbcUrl(),
                    db.user(),
                    "new_orders",
                    log.toString(),
                    Long.toString(stallAfter));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            Consumer c = new Consumer(p);
            if (!c.ready.await(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("consumer did not start: " + c.output());
            }
            return c;
        }

        private void read() {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.startsWith("ready ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }

        String output() {
            synchronized (output) {
                return String.join("\n", output);
            }
        }

        boolean stalled() {
            synchronized (output) {
                return output.contains("stalled");
            }
        }

        void kill() throws Exception {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
                    .as("kill -9 %d", process.pid())
                    .isTrue();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        int exitCode() {
            return process.exitValue();
        }

        /** Closes its input (it closes its mirror and queue, prints its counts, exits 0). */
        Matcher stop() throws Exception {
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(this::output).isTrue();
            assertThat(process.exitValue()).as(this::output).isZero();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> COUNTS.matcher(output()).find());
            Matcher m = COUNTS.matcher(output());
            assertThat(m.find()).isTrue();
            return m;
        }

        void destroy() {
            process.destroyForcibly();
        }
    }
}
