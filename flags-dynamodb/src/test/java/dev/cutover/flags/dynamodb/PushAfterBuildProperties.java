package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * On DynamoDB Local, an edit made at any moment after {@code build()} returns, including while
 * the stream reader is still opening its shard iterators, is served by push (a stream record or
 * the hint sent once the iterators are open), never left for the next poll: the poll interval is
 * ten minutes, so only push can explain an edit served within the generous bound.
 */
class PushAfterBuildProperties {
    private static final String TABLE = "cutover-push-after-build";
    private static final AuditInfo AUDIT = new AuditInfo("ops", "push after build");
    private static final Duration POLL = Duration.ofMinutes(10);
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static {
        DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
    }

    @Property(tries = 12)
    void anEditRightAfterBuildIsServedByTheStream(@ForAll @IntRange(min = 0, max = 200) int delayMillis)
            throws Exception {
        String prefix = "p" + PREFIXES.incrementAndGet();
        DynamoDbFlagStore admin = DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE)
                .keyPrefix(prefix)
                .build();
        admin.put(Flag.booleanFlag("switch", true), 0, AUDIT);
        try (DynamoDbFlagStore store = DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE)
                        .keyPrefix(prefix)
                        .streams(LocalDynamoDb.streams())
                        .streamPollInterval(Duration.ofMillis(100))
                        .build();
                FlagClient client = FlagClient.builder(store).pollInterval(POLL).build()) {
            assertThat(client.booleanValue("switch", false)).isTrue();
            LockSupport.parkNanos(Duration.ofMillis(delayMillis).toNanos());
            admin.put(Flag.booleanFlag("switch", false), 1, AUDIT);
            Eventually.within(
                    BOUND,
                    "the edit made " + delayMillis + " ms after build() served by push",
                    () -> !client.booleanValue("switch", true));
        } finally {
            admin.close();
        }
    }
}
