package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.FaultyStreams;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Streams push on DynamoDB Local, including an expired iterator injected into the stream. */
class DynamoDbStreamPushTest {
    private static final String TABLE = "cutover-push";
    private static final AuditInfo AUDIT = new AuditInfo("ops", "push test");

    static {
        DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
    }

    @Test
    void writesArriveByStreamAndAnExpiredIteratorIsCoveredByAHint() throws Exception {
        FaultyStreams faulty = new FaultyStreams(LocalDynamoDb.streams());
        DynamoDbFlagStore store = DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE)
                .keyPrefix("push")
                .streams(faulty)
                .streamPollInterval(Duration.ofMillis(50))
                .build();
        store.put(Flag.booleanFlag("switch", true), 0, AUDIT);
        try (store;
                FlagClient client = FlagClient.builder(store)
                        .pollInterval(Duration.ofHours(1))
                        .build()) {
            assertThat(client.booleanValue("switch", false)).isTrue();
            AtomicInteger hints = new AtomicInteger();
            dev.cutover.flags.Subscription counting = store.subscribe(hints::incrementAndGet);
            try {
                Eventually.within(Duration.ofSeconds(10), "reader reading the stream", () -> faulty.reads.get() > 0);
                long start = System.nanoTime();
                store.put(Flag.booleanFlag("switch", false), 1, AUDIT);
                Eventually.within(
                        Duration.ofSeconds(10), "pushed within 5 s", () -> !client.booleanValue("switch", true));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                // an iterator expires: the reader restarts the shard and hints, so nothing is missed
                int before = hints.get();
                faulty.expireNext.set(1);
                Eventually.within(
                        Duration.ofSeconds(10),
                        "expired iterator handled",
                        () -> faulty.expired.get() == 1 && hints.get() > before);
                store.put(Flag.booleanFlag("switch", true), 2, AUDIT);
                Eventually.within(Duration.ofSeconds(10), "push resumed", () -> client.booleanValue("switch", false));
            } finally {
                counting.close();
            }
        }
    }
}
