package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagStoreException;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.InterceptedDynamoDb;
import dev.cutover.testsupport.InterceptedDynamoDb.Fault;
import dev.cutover.testsupport.LocalDynamoDb;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Throttling and transaction conflicts on DynamoDB Local, injected in front of the real client:
 * writes are retried through Resilience4j and counted, a version conflict is not retried, a write
 * that keeps failing fails naming the key and leaves nothing behind, and a client whose reads are
 * throttled keeps serving its last good snapshot.
 */
class DynamoDbWriteRetryTest {
    private static final AuditInfo AUDIT = new AuditInfo("ops", "retry test");
    private static final AtomicInteger TABLES = new AtomicInteger();

    private InterceptedDynamoDb faulty;
    private DynamoDbFlagStore store;
    private MeterRegistry registry;

    @BeforeEach
    void setUp() {
        DynamoDbClient local = LocalDynamoDb.client();
        String table = "cutover-retry-" + TABLES.incrementAndGet();
        DynamoDbFlagStore.builder(local, table).build().createTableIfMissing();
        faulty = new InterceptedDynamoDb(local);
        store = DynamoDbFlagStore.builder(faulty.client, table)
                .writeRetry(4, Duration.ofMillis(1))
                .build();
        registry = new SimpleMeterRegistry();
        DynamoDbFlagStoreMetrics.of(store).bindTo(registry);
    }

    private double count(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).functionCounter().count();
    }

    private double failures() {
        return registry.get("cutover.flags.dynamodb.write.failures")
                .functionCounter()
                .count();
    }

    @Test
    void throttledWritesAreRetriedAndCounted() {
        faulty.queue(
                new Fault("transactWriteItems", InterceptedDynamoDb::throttled),
                new Fault("getItem", InterceptedDynamoDb::throttled));

        Flag stored = store.put(Flag.booleanFlag("orders.migration", true), 0, AUDIT);

        assertThat(stored.version()).isEqualTo(1);
        assertThat(faulty.pending()).isZero();
        assertThat(store.history("orders.migration", null, 10).records()).hasSize(1);
        assertThat(count("cutover.flags.dynamodb.throttled", "operation", "write"))
                .isEqualTo(2);
        assertThat(count("cutover.flags.dynamodb.write.retries", "cause", "throttled"))
                .isEqualTo(2);
        assertThat(failures()).isZero();
    }

    @Test
    void transactionConflictsAndHeadRacesAreRetriedAndCountedByCause() {
        faulty.queue(
                new Fault(
                        "transactWriteItems",
                        () -> InterceptedDynamoDb.cancelled("TransactionConflict", "None", "None")),
                new Fault(
                        "transactWriteItems",
                        () -> TransactionConflictException.builder()
                                .message("injected")
                                .build()),
                new Fault(
                        "transactWriteItems",
                        () -> InterceptedDynamoDb.cancelled("None", "ConditionalCheckFailed", "None")));

        Flag stored = store.put(Flag.booleanFlag("orders.migration", true), 0, AUDIT);

        assertThat(stored.version()).isEqualTo(1);
        assertThat(faulty.calls("transactWriteItems")).isEqualTo(4);
        assertThat(count("cutover.flags.dynamodb.write.retries", "cause", "transaction_conflict"))
                .isEqualTo(2);
        assertThat(count("cutover.flags.dynamodb.write.retries", "cause", "head_moved"))
                .isEqualTo(1);
        assertThat(count("cutover.flags.dynamodb.throttled", "operation", "write"))
                .isZero();
    }

    @Test
    void aThrottledTransactionItemCountsAsThrottling() {
        faulty.queue(new Fault(
                "transactWriteItems", () -> InterceptedDynamoDb.cancelled("None", "ThrottlingError", "None")));

        store.put(Flag.booleanFlag("orders.migration", true), 0, AUDIT);

        assertThat(count("cutover.flags.dynamodb.write.retries", "cause", "throttled"))
                .isEqualTo(1);
        assertThat(count("cutover.flags.dynamodb.throttled", "operation", "write"))
                .isEqualTo(1);
    }

    @Test
    void aVersionConflictIsNotRetried() {
        store.put(Flag.booleanFlag("orders.migration", true), 0, AUDIT);
        faulty.queue(new Fault(
                "transactWriteItems", () -> InterceptedDynamoDb.cancelled("ConditionalCheckFailed", "None", "None")));
        int before = faulty.calls("transactWriteItems");

        assertThatThrownBy(() -> store.put(Flag.booleanFlag("orders.migration", false), 1, AUDIT))
                .isInstanceOf(FlagWriteConflictException.class)
                .hasMessageContaining("orders.migration");

        assertThat(faulty.calls("transactWriteItems") - before).isEqualTo(1);
        assertThat(registry.get("cutover.flags.dynamodb.write.retries").functionCounters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void aValidationErrorIsNotRetried() {
        faulty.queue(new Fault(
                "transactWriteItems", () -> InterceptedDynamoDb.cancelled("ValidationError", "None", "None")));

        assertThatThrownBy(() -> store.put(Flag.booleanFlag("orders.migration", true), 0, AUDIT))
                .isInstanceOf(TransactionCanceledException.class);

        assertThat(faulty.calls("transactWriteItems")).isEqualTo(1);
        assertThat(failures()).isZero();
    }

    @Test
    void aWriteThrottledOnEveryAttemptFailsNamingTheKeyAndWritesNothing() {
        faulty.always("transactWriteItems", InterceptedDynamoDb::throttled);

        assertThatThrownBy(() -> store.put(Flag.booleanFlag("orders.migration", true), 0, AUDIT))
                .isInstanceOf(FlagStoreException.class)
                .hasMessageContaining("'orders.migration'")
                .hasMessageContaining("4 times")
                .hasMessageContaining("throttled");

        faulty.clear();
        assertThat(faulty.calls("transactWriteItems")).isEqualTo(4);
        assertThat(store.get("orders.migration")).isEmpty();
        assertThat(store.headRevision()).isZero();
        assertThat(store.history("orders.migration", null, 10).records()).isEmpty();
        assertThat(failures()).isEqualTo(1);
        assertThat(count("cutover.flags.dynamodb.write.retries", "cause", "throttled"))
                .isEqualTo(3);
    }

    @Test
    void throttledReadsKeepTheClientServingItsLastGoodSnapshot() throws Exception {
        store.put(Flag.booleanFlag("orders.migration", true), 0, AUDIT);
        DynamoDbFlagStore operator =
                DynamoDbFlagStore.builder(LocalDynamoDb.client(), store.table()).build();
        try (FlagClient client = FlagClient.builder(store)
                .pollInterval(Duration.ofMillis(100))
                .storeRetry(2, Duration.ofMillis(5))
                .build()) {
            assertThat(client.booleanValue("orders.migration", false)).isTrue();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong evaluations = new AtomicLong();
            AtomicLong wrong = new AtomicLong();
            AtomicInteger exceptions = new AtomicInteger();
            faulty.always("getItem", InterceptedDynamoDb::throttled);
            faulty.always("query", InterceptedDynamoDb::throttled);
            operator.put(Flag.booleanFlag("orders.migration", false), 1, AUDIT);
            Thread reader = new Thread(() -> {
                while (running.get()) {
                    try {
                        if (!client.booleanValue("orders.migration", false)) {
                            wrong.incrementAndGet();
                        }
                        evaluations.incrementAndGet();
                    } catch (RuntimeException e) {
                        exceptions.incrementAndGet();
                    }
                }
            });
            reader.start();
            try {
                Eventually.within(
                        Duration.ofSeconds(15),
                        "STALE while throttled",
                        () -> client.status().state() == ClientStatus.State.STALE);
                Eventually.within(
                        Duration.ofSeconds(15),
                        "several throttled reads",
                        () -> count("cutover.flags.dynamodb.throttled", "operation", "read") >= 4);
            } finally {
                running.set(false);
                reader.join();
            }
            assertThat(exceptions.get()).isZero();
            assertThat(wrong.get())
                    .as("evaluations that lost the last good snapshot")
                    .isZero();
            assertThat(evaluations.get()).isPositive();

            faulty.clear();
            Eventually.within(
                    Duration.ofSeconds(15),
                    "READY with the write made meanwhile",
                    () -> client.status().state() == ClientStatus.State.READY
                            && !client.booleanValue("orders.migration", true));
        }
    }
}
