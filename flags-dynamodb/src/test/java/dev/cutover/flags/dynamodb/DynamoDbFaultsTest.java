package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store unreachable at start and mid-run: the embedded instance is shut down and a new one
 * started (seeded with a later revision, as a restored table would be); the client recovers by
 * itself, and no evaluation ever throws.
 */
class DynamoDbFaultsTest {
    private static final String TABLE = "cutover-faults";
    private static final AuditInfo AUDIT = new AuditInfo("ops", "fault test");

    @TempDir
    Path dir;

    private static AmazonDynamoDBLocal seeded(int writes) throws Exception {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        DynamoDbFlagStore store =
                DynamoDbFlagStore.builder(local.dynamoDbClient(), TABLE).build();
        store.createTableIfMissing();
        long version = 0;
        for (int i = 0; i < writes; i++) {
            version = store.put(Flag.booleanFlag("switch", i % 2 == 0), version, AUDIT)
                    .version();
        }
        return local;
    }

    private FlagClient.Builder client(DynamoDbFlagStore store) {
        return FlagClient.builder(store)
                .pollInterval(Duration.ofMillis(300))
                .startupTimeout(Duration.ofSeconds(1))
                .storeTimeout(Duration.ofMillis(500))
                .storeRetry(2, Duration.ofMillis(20));
    }

    @Test
    void unreachableAtStartServesBackupThenRecovers() throws Exception {
        SwitchableDynamoDb endpoint = new SwitchableDynamoDb();
        AmazonDynamoDBLocal first = seeded(1);
        endpoint.up(first.dynamoDbClient());
        DynamoDbFlagStore store =
                DynamoDbFlagStore.builder(endpoint.client, TABLE).build();
        Path backup = dir.resolve("backup.json");
        try (FlagClient warm = client(store).backupFile(backup).build()) {
            assertThat(warm.booleanValue("switch", false)).isTrue();
        }
        endpoint.down();
        first.shutdown();
        try (FlagClient cold = client(store).backupFile(backup).build()) {
            assertThat(cold.status().source()).isEqualTo(ClientStatus.Source.BACKUP_FILE);
            assertThat(cold.booleanValue("switch", false)).isTrue();
            AmazonDynamoDBLocal second = seeded(2);
            try {
                endpoint.up(second.dynamoDbClient());
                Eventually.within(
                        Duration.ofSeconds(15),
                        "READY on the new instance",
                        () -> cold.status().state() == ClientStatus.State.READY);
                assertThat(cold.booleanValue("switch", true)).isFalse();
            } finally {
                endpoint.down();
                second.shutdown();
            }
        }
    }

    @Test
    void unreachableMidRunKeepsServingThenRecoversWithoutRestart() throws Exception {
        SwitchableDynamoDb endpoint = new SwitchableDynamoDb();
        AmazonDynamoDBLocal first = seeded(1);
        endpoint.up(first.dynamoDbClient());
        DynamoDbFlagStore store =
                DynamoDbFlagStore.builder(endpoint.client, TABLE).build();
        AmazonDynamoDBLocal second = null;
        try (FlagClient client = client(store).build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong evaluations = new AtomicLong();
            AtomicInteger exceptions = new AtomicInteger();
            Thread reader = new Thread(() -> {
                EvaluationContext ctx = EvaluationContext.of("svc");
                while (running.get()) {
                    try {
                        client.booleanValue("switch", ctx, false);
                        evaluations.incrementAndGet();
                    } catch (RuntimeException e) {
                        exceptions.incrementAndGet();
                    }
                }
            });
            reader.start();
            try {
                endpoint.down();
                first.shutdown();
                Eventually.within(
                        Duration.ofSeconds(15), "STALE", () -> client.status().state() == ClientStatus.State.STALE);
                assertThat(client.booleanValue("switch", false)).isTrue();
                second = seeded(2);
                endpoint.up(second.dynamoDbClient());
                Eventually.within(
                        Duration.ofSeconds(15),
                        "READY again",
                        () -> client.status().state() == ClientStatus.State.READY);
                assertThat(client.booleanValue("switch", true)).isFalse();
            } finally {
                running.set(false);
                reader.join();
            }
            assertThat(exceptions.get()).isZero();
            assertThat(evaluations.get()).isPositive();
        } finally {
            endpoint.down();
            if (second != null) {
                second.shutdown();
            }
        }
    }
}
