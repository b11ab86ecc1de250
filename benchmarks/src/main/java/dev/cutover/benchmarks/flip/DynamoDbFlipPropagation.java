package dev.cutover.benchmarks.flip;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cutover.benchmarks.Mains;
import dev.cutover.benchmarks.flip.CountingDynamoDb.Call;
import dev.cutover.benchmarks.flip.CountingDynamoDb.Counts;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;

/**
 * How fast a flag flip reaches 50 service instances through {@code DynamoDbFlagStore} on DynamoDB
 * Local, with push (DynamoDB Streams) and with polling only, and how many read requests 50 idle
 * instances make. The DynamoDB counterpart of {@link FlipPropagation}: a plain program, run by
 * hand; see the README's "Flip propagation (flags-dynamodb)" section.
 *
 * <p>DynamoDB Local runs in this JVM ({@code DynamoDBEmbedded}: in memory, telemetry off), so the
 * instances, the writer and the database share the same cores, and no request crosses a network.
 * Every instance is a {@link FlagClient} over its own {@link DynamoDbFlagStore} on the one table,
 * over its own {@link CountingDynamoDb} ({@link DynamoDbFleet}), so every instance's {@code
 * GetItem}, {@code Query} and stream requests are counted apart. A separate writer store over an
 * uncounted client flips the boolean flag, and each flip is timed exactly as in {@link
 * FlipPropagation}, by {@link FlipHarness}: from {@code put} returning until every client's {@code
 * booleanValue} serves the new value. The propagation time of a flip is that of the last instance
 * to serve it.
 *
 * <p>Two sets of instances, one after the other: push (each store follows the table's stream with
 * its own reader, every 250 ms by default; the clients poll every 30 s as the safety net) and poll
 * only (no streams client, so {@code subscribe} returns {@code Subscription.NONE}; 1 s). Each set is
 * observed idle first, then flipped, then closed.
 *
 * <p>DynamoDB advises at most two concurrent readers per stream shard and throttles more. DynamoDB
 * Local does not enforce that, so the push set's 50 readers of one shard are what Local allows, not
 * what a real table allows: on a real table a fleet enables Streams on at most two instances (or
 * relays their hints) and the rest poll.
 */
public final class DynamoDbFlipPropagation {

    static final String TABLE = "cutover-flip-propagation";

    private DynamoDbFlipPropagation() {}

    /**
     * What one run does.
     *
     * @param clients service instances per set
     * @param flips measured flips per set
     * @param warmupFlips flips before those, not measured
     * @param pause wait after a flip reached every instance, before the next write
     * @param pushPollInterval poll interval of the push clients (long, so only push explains speed)
     * @param streamPollInterval how often each push store's reader reads the stream (the store's
     *     default is 250 ms)
     * @param pollInterval poll interval of the poll-only clients (jitter: the default 0.1)
     * @param idleWindow how long the idle load is observed, per set
     * @param prices what the cost table multiplies the measured requests by
     */
    public record Settings(
            int clients,
            int flips,
            int warmupFlips,
            Duration pause,
            Duration pushPollInterval,
            Duration streamPollInterval,
            Duration pollInterval,
            Duration idleWindow,
            Prices prices) {

        /**
         * The recorded run: 50 instances, 200 flips per set, the store's default stream poll interval
         * of 250 ms, 1 s polling, a 60 s idle window, us-east-1 prices.
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
                    Duration.ofMillis(250),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(60),
                    Prices.usEast1Example());
        }
    }

    /**
     * On-demand prices, in US dollars, that turn measured requests into a cost per instance.
     *
     * @param perMillionReadRequestUnits price of one million read request units (table reads)
     * @param per100kStreamReadRequests price of 100,000 streams read requests ({@code GetRecords})
     * @param source where the prices come from, printed with the cost table
     */
    public record Prices(double perMillionReadRequestUnits, double per100kStreamReadRequests, String source) {

        /**
         * List prices for us-east-1, on-demand, DynamoDB Standard table class, used as an example: $0.125
         * per million read request units, $0.02 per 100,000 streams read requests. Free tiers are not
         * deducted.
         *
         * @return the prices
         */
        public static Prices usEast1Example() {
            return new Prices(
                    0.125,
                    0.02,
                    "on-demand list prices for us-east-1 (Standard table class), used as an example; free tiers not deducted");
        }
    }

    /**
     * The measured flips of one set.
     *
     * @param mode how the instances learned about a change
     * @param pollInterval the clients' poll interval
     * @param clients the instances
     * @param times the flips as timed; their {@code allFlips} is the count behind {@code perInstance}
     * @param perInstance what each instance sent from the first flip until the last was served
     */
    public record Propagation(
            Mode mode, Duration pollInterval, int clients, FlipTimes times, List<Counts> perInstance) {

        /**
         * Requests of one kind an instance sent per flip, on average over the instances.
         *
         * @param call the requests counted
         * @return requests per flip and instance
         */
        public double perFlipPerInstance(Call call) {
            return Tally.sum(perInstance, Counts.zero()).of(call) / (double) times.allFlips() / clients;
        }

        /**
         * Stream requests an instance sent per flip, on average over the instances.
         *
         * @return requests per flip and instance
         */
        public double streamRequestsPerFlipPerInstance() {
            return Tally.sum(perInstance, Counts.zero()).streamRequests() / (double) times.allFlips() / clients;
        }
    }

    /**
     * What idle instances sent over one window with no writes.
     *
     * @param mode how the instances learn about a change
     * @param pollInterval the clients' poll interval
     * @param window how long the window really lasted
     * @param perInstance each instance's counter deltas over the window
     */
    public record IdleLoad(Mode mode, Duration pollInterval, Duration window, List<Counts> perInstance) {

        private double minutes() {
            return window.toNanos() / 60e9;
        }

        /**
         * Per instance per minute, of the requests of one kind.
         *
         * @param call the requests counted
         * @return requests per instance per minute
         */
        public double perInstancePerMinute(Call call) {
            return Tally.sum(perInstance, Counts.zero()).of(call) / (double) perInstance.size() / minutes();
        }

        /**
         * {@code DescribeStream}, {@code GetShardIterator} and {@code GetRecords} per instance per minute.
         *
         * @return requests per instance per minute
         */
        public double streamRequestsPerInstancePerMinute() {
            return Tally.sum(perInstance, Counts.zero()).streamRequests() / (double) perInstance.size() / minutes();
        }

        /**
         * One head check per instance per poll interval.
         *
         * @return {@code GetItem}s per instance per minute
         */
        public double expectedGetItemsPerInstancePerMinute() {
            return 60_000.0 / pollInterval.toMillis();
        }

        /**
         * Read request units per instance per minute: {@code GetItem} and {@code Query} pages, each
         * {@code unitsPerRead} (1 strongly consistent, 0.5 eventually consistent). Valid here because
         * every read is under 4 KB: the head item, and a flags page of one small flag.
         *
         * @param unitsPerRead read request units of one read
         * @return read request units per instance per minute
         */
        public double readUnitsPerInstancePerMinute(double unitsPerRead) {
            return (perInstancePerMinute(Call.GET_ITEM) + perInstancePerMinute(Call.QUERY)) * unitsPerRead;
        }

        /**
         * Whether idle instances made one head check per poll interval (within 5%) and loaded nothing.
         *
         * @return whether they did
         */
        public boolean oneGetItemPerInterval() {
            double expected = expectedGetItemsPerInstancePerMinute();
            return perInstancePerMinute(Call.QUERY) == 0
                    && Math.abs(perInstancePerMinute(Call.GET_ITEM) - expected) <= 0.05 * expected;
        }
    }

    /**
     * Both sets of one run.
     *
     * @param settings what ran
     * @param environment the machine, the JVM, DynamoDB Local and the settings, as printed first
     * @param push push's flips
     * @param pushIdle push's idle window
     * @param poll poll only's flips
     * @param pollIdle poll only's idle window
     * @param streamShards the stream's shards at the end of the run, open and closed
     * @param openStreamShards of those, the ones still open
     */
    public record Report(
            Settings settings,
            String environment,
            Propagation push,
            IdleLoad pushIdle,
            Propagation poll,
            IdleLoad pollIdle,
            int streamShards,
            int openStreamShards) {}

    /**
     * Runs the standard settings and prints the results; exit status 1 only when setup fails.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Mains.run("DynamoDB flip propagation", () -> markdown(run(Settings.standard(), System.out)), () -> {});
    }

    /**
     * Starts DynamoDB Local in this JVM, creates the table, measures both sets, and stops it.
     *
     * @param settings what to run
     * @param log where the progress lines go
     * @return what was measured
     * @throws Exception when DynamoDB Local, the table or the instances cannot start
     */
    public static Report run(Settings settings, PrintStream log) throws Exception {
        long started = System.nanoTime();
        String environment = environment(settings);
        log.println(environment);
        // true: telemetry off, so DynamoDB Local neither phones home nor writes a metadata file
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        try {
            DynamoDbClient writerClient = local.dynamoDbClient();
            try (DynamoDbFlagStore writerStore =
                    DynamoDbFlagStore.builder(writerClient, TABLE).build()) {
                writerStore.createTableIfMissing();
                Writer writer = new Writer(writerStore);
                log.printf(
                        Locale.ROOT,
                        "DynamoDB Local started and table %s created in %d ms%n",
                        TABLE,
                        Duration.ofNanos(System.nanoTime() - started).toMillis());

                Phase push = phase(local, Mode.PUSH, settings.pushPollInterval(), writer, settings, log);
                Phase poll = phase(local, Mode.POLL, settings.pollInterval(), writer, settings, log);

                List<Shard> shards = shards(local, writerClient);
                int open = (int) shards.stream()
                        .filter(s -> s.sequenceNumberRange() == null
                                || s.sequenceNumberRange().endingSequenceNumber() == null)
                        .count();
                log.printf(
                        Locale.ROOT,
                        "stream: %d shards, %d open; run took %d s%n",
                        shards.size(),
                        open,
                        Duration.ofNanos(System.nanoTime() - started).toSeconds());
                return new Report(
                        settings,
                        environment,
                        push.flips(),
                        push.idle(),
                        poll.flips(),
                        poll.idle(),
                        shards.size(),
                        open);
            }
        } finally {
            local.shutdown();
        }
    }

    /**
     * The results as Markdown tables.
     *
     * @param r a run's report
     * @return the tables
     */
    public static String markdown(Report r) {
        return DynamoDbFlipTables.markdown(r);
    }

    /** Every shard of the table's stream, through uncounted clients. */
    private static List<Shard> shards(AmazonDynamoDBLocal local, DynamoDbClient client) {
        String arn = client.describeTable(r -> r.tableName(TABLE)).table().latestStreamArn();
        List<Shard> shards = new ArrayList<>();
        String last = null;
        do {
            String from = last;
            StreamDescription d = local.dynamoDbStreamsClient()
                    .describeStream(r -> r.streamArn(arn).exclusiveStartShardId(from))
                    .streamDescription();
            shards.addAll(d.shards());
            last = d.lastEvaluatedShardId();
        } while (last != null);
        return shards;
    }

    // ---------------------------------------------------------------- one set

    /** One set's results. */
    private record Phase(Propagation flips, IdleLoad idle) {}

    /** Starts the instances, observes them idle, flips, and closes them. */
    private static Phase phase(
            AmazonDynamoDBLocal local, Mode mode, Duration pollInterval, Writer writer, Settings s, PrintStream log)
            throws Exception {
        try (DynamoDbFleet fleet =
                DynamoDbFleet.start(local, mode, s.clients(), pollInterval, s.streamPollInterval(), writer, log)) {
            IdleLoad idle = idle(fleet, s.idleWindow(), log);
            List<Counts> before = fleet.counts();
            FlipTimes times = FlipHarness.flips(fleet, writer, s.flips(), s.warmupFlips(), s.pause(), log);
            Propagation p =
                    new Propagation(mode, pollInterval, fleet.size(), times, Tally.deltas(before, fleet.counts()));
            log.printf(
                    Locale.ROOT,
                    "%s flips: per flip per instance %.2f GetItem, %.2f Query, %.2f stream requests (%.2f GetRecords)%n",
                    fleet.name(),
                    p.perFlipPerInstance(Call.GET_ITEM),
                    p.perFlipPerInstance(Call.QUERY),
                    p.streamRequestsPerFlipPerInstance(),
                    p.perFlipPerInstance(Call.GET_RECORDS));
            return new Phase(p, idle);
        }
    }

    private static IdleLoad idle(DynamoDbFleet fleet, Duration window, PrintStream log) {
        FlipHarness.parkFor(FlipHarness.settle(fleet.pollInterval, window));
        log.printf(Locale.ROOT, "%s: idle for %s, no writes%n", fleet.name(), FlipHarness.seconds(window));
        List<Counts> before = fleet.counts();
        long start = System.nanoTime();
        FlipHarness.parkFor(window);
        List<Counts> after = fleet.counts();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<Counts> deltas = Tally.deltas(before, after);
        IdleLoad idle = new IdleLoad(fleet.mode, fleet.pollInterval, elapsed, deltas);
        Counts t = Tally.sum(deltas, Counts.zero());
        log.printf(
                Locale.ROOT,
                "%s idle: %.1f s; all instances: %d GetItem, %d Query, %d DescribeStream, %d GetShardIterator,"
                        + " %d GetRecords, %d other%n",
                fleet.name(),
                elapsed.toMillis() / 1e3,
                t.of(Call.GET_ITEM),
                t.of(Call.QUERY),
                t.of(Call.DESCRIBE_STREAM),
                t.of(Call.GET_SHARD_ITERATOR),
                t.of(Call.GET_RECORDS),
                t.of(Call.OTHER));
        return idle;
    }

    private static String environment(Settings s) {
        return Mains.environment("DynamoDB flip propagation", "")
                + String.format(
                        Locale.ROOT,
                        "%n  DynamoDB Local in this JVM (DynamoDBEmbedded, in memory, telemetry off); per instance its own counting"
                                + " DynamoDbClient (push: and DynamoDbStreamsClient)%n  %s",
                        s);
    }
}
