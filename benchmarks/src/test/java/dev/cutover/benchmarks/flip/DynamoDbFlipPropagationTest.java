package dev.cutover.benchmarks.flip;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cutover.benchmarks.flip.CountingDynamoDb.Call;
import dev.cutover.benchmarks.flip.CountingDynamoDb.Counts;
import dev.cutover.benchmarks.flip.DynamoDbFlipPropagation.Report;
import dev.cutover.benchmarks.flip.DynamoDbFlipPropagation.Settings;
import dev.cutover.flags.Flag;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.spi.AuditInfo;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The DynamoDB flip-propagation harness in miniature, on the same code path as the recorded run: 3
 * instances, 1 + 5 flips per set, 200 ms polling, a 1.5 s idle window. Proves that the harness sees
 * every flip at every instance and counts what idle instances send, and that the counting proxy
 * counts each request once.
 */
class DynamoDbFlipPropagationTest {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration IDLE = Duration.ofMillis(1500);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyFlipReachesEveryInstanceAndIdleInstancesOnlyCheckTheHead() throws Exception {
        Settings settings = new Settings(
                3,
                5,
                1,
                Duration.ofMillis(20),
                Duration.ofSeconds(30),
                Duration.ofMillis(250),
                POLL,
                IDLE,
                DynamoDbFlipPropagation.Prices.usEast1Example());

        Report r = DynamoDbFlipPropagation.run(settings, System.out);
        String markdown = DynamoDbFlipPropagation.markdown(r);
        System.out.println(markdown);

        assertThat(r.push().times().missedApplications())
                .as("push: instance-flips never served")
                .isZero();
        assertThat(r.poll().times().missedApplications())
                .as("poll: instance-flips never served")
                .isZero();
        assertThat(r.push().times().lastNanos()).hasSize(5);
        assertThat(r.push().times().eachNanos()).hasSize(15);
        // the push clients poll every 30 s: only the stream explains a flip served everywhere within 5 s
        assertThat(r.push().times().lastMillis(100)).isLessThan(5_000);
        // a poll-only flip waits for the next poll (at most 220 ms with jitter) plus the reload
        assertThat(r.poll().times().lastMillis(100)).isLessThan(2_000);
        // exactly one load (one Query page) per flip (6 with the warm-up) and instance, in both sets;
        // with push each is a hint's head check plus the load's own GetItem
        for (Counts c : r.push().perInstance()) {
            assertThat(c.of(Call.QUERY)).as("loads of a push instance").isEqualTo(6);
            assertThat(c.of(Call.GET_ITEM)).as("GetItem of a push instance").isBetween(12L, 13L);
        }
        for (Counts c : r.poll().perInstance()) {
            assertThat(c.of(Call.QUERY)).as("loads of a poll instance").isEqualTo(6);
            assertThat(c.streamRequests())
                    .as("stream requests of a poll instance")
                    .isZero();
        }

        // idle push instances: no poll is due this early in a 30 s interval, and no write means no hint;
        // the reader keeps reading the stream
        for (Counts c : r.pushIdle().perInstance()) {
            assertThat(c.of(Call.QUERY)).as("Query of an idle push instance").isZero();
            assertThat(c.of(Call.GET_ITEM))
                    .as("GetItem of an idle push instance")
                    .isLessThanOrEqualTo(2);
            assertThat(c.of(Call.GET_RECORDS))
                    .as("GetRecords of an idle push instance")
                    .isPositive();
        }
        // idle poll instances: one head check per 180 to 220 ms, nothing else
        long maxHeads = (long) Math.ceil(IDLE.toMillis() / (POLL.toMillis() * 0.9));
        for (Counts c : r.pollIdle().perInstance()) {
            assertThat(c.of(Call.GET_ITEM))
                    .as("GetItem of an idle poll instance")
                    .isBetween(4L, maxHeads + 2);
            assertThat(c.of(Call.QUERY)).as("loads without a write").isZero();
            assertThat(c.streamRequests())
                    .as("stream requests of an idle poll instance")
                    .isZero();
            assertThat(c.of(Call.OTHER))
                    .as("other requests of an idle poll instance")
                    .isZero();
        }
        assertThat(r.openStreamShards()).isPositive();
        assertThat(markdown)
                .contains("| push (DynamoDB Streams) | 30 s |", "| poll only | 200 ms |", "| push: p99 < 500 ms |");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theProxyCountsEachRequestOnce() throws Exception {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        try {
            DynamoDbFlagStore writer = DynamoDbFlagStore.builder(local.dynamoDbClient(), "cutover-counting")
                    .build();
            writer.createTableIfMissing();
            writer.put(Flag.booleanFlag("counted", true), 0, new AuditInfo("test", "counting"));

            CountingDynamoDb counting = new CountingDynamoDb();
            DynamoDbClient client = counting.dynamoDb(local.dynamoDbClient());
            try (DynamoDbFlagStore store =
                    DynamoDbFlagStore.builder(client, "cutover-counting").build()) {
                // headRevision() calls the consumer-builder overload getItem(Consumer), which delegates to
                // getItem(GetItemRequest): one request, counted once
                assertThat(store.headRevision()).isEqualTo(1);
                assertThat(counting.counts().calls()).containsExactly(only(Call.GET_ITEM, 1));

                // load() is a head check and one Query page
                assertThat(store.load().flags()).hasSize(1);
                Counts afterLoad = counting.counts();
                assertThat(afterLoad.of(Call.GET_ITEM)).isEqualTo(2);
                assertThat(afterLoad.of(Call.QUERY)).isEqualTo(1);
                assertThat(afterLoad.streamRequests() + afterLoad.of(Call.OTHER))
                        .isZero();
            }

            String arn = local.dynamoDbClient()
                    .describeTable(r -> r.tableName("cutover-counting"))
                    .table()
                    .latestStreamArn();
            DynamoDbStreamsClient streams = counting.streams(local.dynamoDbStreamsClient());
            streams.describeStream(r -> r.streamArn(arn));
            assertThat(counting.of(Call.DESCRIBE_STREAM)).isEqualTo(1);
            assertThat(counting.counts().streamRequests()).isEqualTo(1);
        } finally {
            local.shutdown();
        }
    }

    /** Counters that hold {@code n} of {@code call} and nothing else. */
    private static long[] only(Call call, long n) {
        long[] calls = new long[Call.values().length];
        calls[call.ordinal()] = n;
        return calls;
    }
}
