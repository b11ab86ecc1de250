package dev.cutover.benchmarks.replication;

import static dev.cutover.benchmarks.replication.Rounds.rate;
import static dev.cutover.benchmarks.replication.Rounds.round;
import static dev.cutover.benchmarks.replication.Rounds.runRotated;
import static dev.cutover.benchmarks.replication.Rounds.seconds;
import static dev.cutover.benchmarks.replication.Rounds.unchecked;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Series;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorBuilder;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.sqs.SqsChangeQueue;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Changes per second from a {@link Mirror}'s observer into PostgreSQL through an {@link
 * SqsChangeQueue} on ElasticMQ (in-process), with Cutover's versioned apply ({@link
 * JdbcVersionedTarget}) on the consuming side; the same changes through the mirror's in-process
 * queue; and the same changes through the same kind of SQS queue drained by a plain consumer that
 * receives as Cutover does (a long-polling receive of 10, then one round of up to 8 concurrent
 * receives of 10, as the mirror's default 5 ms linger allows) and inserts without versioning (the fastest
 * plain insert of the replication-throughput program, {@code INSERT ... SELECT FROM unnest}), then
 * deletes. A plain program, run by hand; see the benchmarks README's "Change queue throughput: SQS".
 *
 * <p>Every round offers {@link Settings#changes()} new keys (the replication benchmark's customer
 * rows) into a fresh queue and a fresh table, timed from the first offer until the last change is
 * in the table; the three paths run one after the other in an order that rotates from round to
 * round, and a rate is the median of the measured rounds. Each round checks that every change
 * landed (outcomes and rows) and throws when one did not.
 */
public final class SqsQueueThroughput {
    private static final long WAIT_PARK_NANOS = 1_000_000L;
    /** The SQS change queue's default {@code receivesInFlight}. */
    static final int RECEIVES_IN_FLIGHT = 8;

    private SqsQueueThroughput() {}

    /**
     * What one run does.
     *
     * @param changes changes per round, each a new key
     * @param batchSize the mirror's {@code batchSize}, and the most the plain consumer takes per insert
     * @param workers the mirror's apply workers, and the plain consumer's threads
     * @param warmupRounds rounds before the measured ones, not counted
     * @param rounds measured rounds
     */
    public record Settings(int changes, int batchSize, int workers, int warmupRounds, int rounds) {
        /** The recorded run: 20,000 changes, batches of up to 200, 2 workers, 1 + 3 rounds. */
        public static Settings standard() {
            return new Settings(20_000, 200, 2, 1, 3);
        }
    }

    /**
     * One run: the three paths, and what the last round counted.
     *
     * @param counts per path: changes applied (versioned) or rows inserted (plain), rows in the table
     */
    public record Report(
            Settings settings,
            String environment,
            Series sqsVersioned,
            Series inProcessVersioned,
            Series sqsPlain,
            Map<String, Long> counts) {

        /** The versioned path's median over the plain consumer's, on the same kind of queue. */
        public double ratio() {
            return sqsVersioned.median() / sqsPlain.median();
        }
    }

    /**
     * Runs the standard settings and prints the results; exit status 1 when anything fails.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Mains.run(
                "sqs queue throughput",
                () -> markdown(run(Settings.standard(), System.out)),
                () -> EmbeddedPostgresServer.get().stop());
    }

    /** Starts the embedded PostgreSQL (or reuses it) and an ElasticMQ, and measures the three paths. */
    public static Report run(Settings s, PrintStream log) throws Exception {
        long started = System.nanoTime();
        log.println("load average at start: " + Mains.loadAverage());
        TestDatabase db = EmbeddedPostgresServer.get().createDatabase("sqs_queue_throughput");
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        Map<String, Long> counts = new LinkedHashMap<>();
        try (HikariDataSource pool = PostgresMeasurement.pool(db, false);
                SqsAsyncClient sqs = SqsAsyncClient.builder()
                        .endpointOverride(URI.create("http://127.0.0.1:" + port))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                        .build()) {
            String environment = Mains.environment("sqs queue throughput", Mains.maxHeap())
                    + String.format(
                            Locale.ROOT,
                            "%n  PostgreSQL (embedded, zonky), HikariCP pool of %d; ElasticMQ 1.7.1 in-process, the"
                                    + " SDK's async client (Netty)%n  %s",
                            PostgresMeasurement.POOL_SIZE,
                            s);
            log.println(environment);
            Rows rows = Rows.generate(s.changes());
            Runner runner = new Runner(s, rows, pool, sqs, counts);
            int total = s.warmupRounds() + s.rounds();
            double[] sqsVersioned = new double[s.rounds()];
            double[] inProcess = new double[s.rounds()];
            double[] sqsPlain = new double[s.rounds()];
            for (int r = 0; r < total; r++) {
                int round = r;
                double[] t = new double[3];
                List<Runnable> steps = new ArrayList<>(List.of(
                        unchecked(() -> t[0] = runner.versioned("sq_sqs_" + round, true)),
                        unchecked(() -> t[1] = runner.versioned("sq_inproc_" + round, false)),
                        unchecked(() -> t[2] = runner.plain("sq_plain_" + round))));
                runRotated(steps, r);
                log.printf(
                        Locale.ROOT,
                        "%s: SQS + versioned apply %s, in-process queue + versioned apply %s, SQS + plain insert %s%n",
                        round(r),
                        rate(s.changes(), t[0]),
                        rate(s.changes(), t[1]),
                        rate(s.changes(), t[2]));
                if (r >= s.warmupRounds()) {
                    int k = r - s.warmupRounds();
                    sqsVersioned[k] = t[0];
                    inProcess[k] = t[1];
                    sqsPlain[k] = t[2];
                }
            }
            log.println("load average at end: " + Mains.loadAverage());
            log.printf(Locale.ROOT, "run took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
            return new Report(
                    s,
                    environment,
                    new Series("SqsChangeQueue + Mirror + JdbcVersionedTarget", s.changes(), sqsVersioned),
                    new Series("in-process queue + Mirror + JdbcVersionedTarget", s.changes(), inProcess),
                    new Series("SQS + plain consumer, INSERT ... FROM unnest", s.changes(), sqsPlain),
                    counts);
        } finally {
            server.stopAndWait();
        }
    }

    /** The results as Markdown. */
    public static String markdown(Report r) {
        Settings s = r.settings();
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "%,d changes (new keys) per round, batches of up to %d, %d workers; %d warm-up + %d measured rounds;"
                        + " rates are median (min to max) over the measured rounds.%n%n",
                s.changes(),
                s.batchSize(),
                s.workers(),
                s.warmupRounds(),
                s.rounds()));
        b.append("| Path | changes per s | vs the plain SQS consumer |\n| --- | ---: | ---: |\n");
        for (Series x : List.of(r.sqsVersioned(), r.inProcessVersioned(), r.sqsPlain())) {
            b.append(x.rowAgainst(r.sqsPlain()));
        }
        b.append(String.format(
                Locale.ROOT,
                "%nVersioned over plain on SQS: %.2f (target >= 0.8: %s).%n",
                r.ratio(),
                r.ratio() >= 0.8 ? "met" : "**not met**"));
        return b.toString();
    }

    /** The three paths, each into a fresh queue and table. */
    private static final class Runner {
        private final Settings s;
        private final Rows rows;
        private final HikariDataSource pool;
        private final SqsAsyncClient sqs;
        private final Map<String, Long> counts;

        Runner(Settings s, Rows rows, HikariDataSource pool, SqsAsyncClient sqs, Map<String, Long> counts) {
            this.s = s;
            this.rows = rows;
            this.pool = pool;
            this.sqs = sqs;
            this.counts = counts;
        }

        /** Observer, queue (SQS or in-process), mirror workers, versioned apply; returns seconds. */
        double versioned(String table, boolean onSqs) throws Exception {
            JdbcVersionedTarget target = JdbcVersionedTarget.builder(pool)
                    .table(table)
                    .batchSize(s.batchSize())
                    .build();
            target.createTableIfMissing();
            String url = onSqs ? createQueue(table) : "";
            SqsChangeQueue queue = onSqs ? SqsChangeQueue.builder(sqs, url).build() : null;
            UnaryOperator<MirrorBuilder<Change>> settings = b -> b.workers(s.workers())
                    .batchSize(s.batchSize())
                    .maxBlock(Duration.ofMinutes(1))
                    .journal(new InMemoryFailedWriteJournal());
            MirrorBuilder<Change> builder = settings.apply(
                    Mirror.to(target).mapping((Change c) -> List.of(c)).name(table));
            builder = queue != null ? builder.queue(queue) : builder.queue(10_000);
            double seconds;
            MirrorCounts c;
            try (Mirror<Change> mirror = builder.build()) {
                long t0 = System.nanoTime();
                for (Change change : rows.v1) {
                    mirror.observe(change);
                }
                while (mirror.counts().applied()
                                + mirror.counts().failed()
                                + mirror.counts().dropped()
                        < s.changes()) {
                    LockSupport.parkNanos(WAIT_PARK_NANOS);
                }
                seconds = seconds(t0);
                c = mirror.counts();
            } finally {
                if (queue != null) {
                    queue.close();
                }
            }
            String path = onSqs ? "sqs versioned" : "in-process versioned";
            check(path + " applied", c.applied(), s.changes());
            check(path + " rows", rowCount(table), s.changes());
            drop(table);
            return seconds;
        }

        /**
         * The same queue's producer, and a plain consumer: {@code workers} threads, each receiving as
         * the SQS change queue does with the mirror's default linger (a receive of 10 long polling for
         * the first message, then one round of up to {@value #RECEIVES_IN_FLIGHT} receives of 10 at
         * once), inserting what arrived in one statement, deleting it; returns seconds. Queues are
         * not deleted: a long poll still waiting in ElasticMQ would outlive its queue.
         */
        double plain(String table) throws Exception {
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                for (String ddl :
                        JdbcVersionedTarget.builder(pool).table(table).build().schemaStatements()) {
                    st.execute(ddl);
                }
            }
            String url = createQueue(table);
            AtomicLong inserted = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> consumers = new ArrayList<>();
            double seconds;
            try (SqsChangeQueue producer = SqsChangeQueue.builder(sqs, url).build()) {
                long t0 = System.nanoTime();
                for (int w = 0; w < s.workers(); w++) {
                    Thread t = new Thread(() -> consume(url, table, inserted, failure), "plain-consumer-" + w);
                    t.setDaemon(true);
                    t.start();
                    consumers.add(t);
                }
                for (Change change : rows.v1) {
                    if (!producer.offer(change, Duration.ofMinutes(1))) {
                        throw new IllegalStateException("no room for " + change + " within a minute");
                    }
                }
                while (inserted.get() < s.changes() && failure.get() == null) {
                    LockSupport.parkNanos(WAIT_PARK_NANOS);
                }
                seconds = seconds(t0);
            } finally {
                consumers.forEach(Thread::interrupt);
                for (Thread t : consumers) {
                    t.join(30_000);
                }
            }
            if (failure.get() != null) {
                throw new IllegalStateException("the plain consumer failed", failure.get());
            }
            check("sqs plain inserted", inserted.get(), s.changes());
            check("sqs plain rows", rowCount(table), s.changes());
            drop(table);
            return seconds;
        }

        private void consume(String url, String table, AtomicLong inserted, AtomicReference<Throwable> failure) {
            int receives = Math.min(RECEIVES_IN_FLIGHT, Math.max(0, s.batchSize() / 10 - 1));
            try {
                while (!Thread.currentThread().isInterrupted() && inserted.get() < s.changes()) {
                    List<Message> got = new ArrayList<>(sqs.receiveMessage(
                                    b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                            .join()
                            .messages());
                    if (got.isEmpty()) {
                        continue;
                    }
                    List<CompletableFuture<ReceiveMessageResponse>> more = new ArrayList<>();
                    for (int i = 0; i < receives; i++) {
                        more.add(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)));
                    }
                    more.forEach(f -> got.addAll(f.join().messages()));
                    int n = got.size();
                    String[] keys = new String[n];
                    long[] versions = new long[n];
                    String[] payloads = new String[n];
                    for (int i = 0; i < n; i++) {
                        JsonNode body = Rows.MAPPER.readTree(got.get(i).body());
                        keys[i] = body.get("key").textValue();
                        versions[i] = body.get("version").longValue();
                        payloads[i] = Rows.MAPPER.writeValueAsString(body.get("payload"));
                    }
                    try (Connection c = pool.getConnection()) {
                        PlainInsert.UNNEST.insert(c, PostgresMeasurement.q(table), keys, versions, payloads, n);
                    }
                    List<CompletableFuture<?>> deletes = new ArrayList<>();
                    for (int from = 0; from < n; from += 10) {
                        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int i = from; i < Math.min(n, from + 10); i++) {
                            entries.add(DeleteMessageBatchRequestEntry.builder()
                                    .id(Integer.toString(i - from))
                                    .receiptHandle(got.get(i).receiptHandle())
                                    .build());
                        }
                        deletes.add(sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries)));
                    }
                    deletes.forEach(CompletableFuture::join);
                    inserted.addAndGet(n);
                }
            } catch (Exception | Error e) {
                if (!Thread.currentThread().isInterrupted()) {
                    failure.compareAndSet(null, e);
                }
            }
        }

        private String createQueue(String name) {
            return sqs.createQueue(b -> b.queueName(name.replace('_', '-')))
                    .join()
                    .queueUrl();
        }

        private long rowCount(String table) throws Exception {
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + PostgresMeasurement.q(table))) {
                rs.next();
                return rs.getLong(1);
            }
        }

        private void drop(String table) throws Exception {
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE " + PostgresMeasurement.q(table));
            }
        }

        private void check(String what, long actual, long expected) {
            if (actual != expected) {
                throw new IllegalStateException(what + ": counted " + actual + ", expected " + expected);
            }
            counts.put(what, actual);
        }
    }
}
