package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.InMemoryShardCheckpointStore;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The second seed story on DynamoDB Local: an old table's stream replicated into a new table
 * through the versioned target, across a reader restart and a crash between apply and checkpoint,
 * and together with a backfill scan under live writes. The tables end equal, payload for payload.
 */
class DynamoDbStreamReplicationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static DynamoDbVersionedTarget newTarget() {
        DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(
                        LocalDynamoDb.client(), LocalDynamoDb.freshTable("orders-new"))
                .segments(2)
                .build();
        target.createTableIfMissing();
        return target;
    }

    private static DynamoDbStreamReader.Builder reader(
            OldTable old, ChangeHandler handler, ShardCheckpointStore checkpoints) {
        return DynamoDbStreamReader.builder(
                        LocalDynamoDb.streams(), DynamoDbStreamReader.latestStreamArn(old.dynamoDb, old.name), handler)
                .key(OldTable.KEY)
                .version(ItemVersion.attribute("version"))
                .checkpoints(checkpoints)
                .consumer("orders-to-v2")
                .pollInterval(Duration.ofMillis(20))
                .describeEvery(Duration.ofMillis(500))
                .lease(Duration.ofSeconds(5));
    }

    @Test
    void writesAndDeletesArriveAcrossARestartAndACrashBeforeTheCheckpoint() throws Exception {
        OldTable old = new OldTable(LocalDynamoDb.freshTable("orders-old"), StreamViewType.NEW_AND_OLD_IMAGES);
        DynamoDbShardCheckpointStore checkpoints = DynamoDbShardCheckpointStore.builder(
                        LocalDynamoDb.client(), LocalDynamoDb.freshTable("orders-checkpoints"))
                .build();
        checkpoints.createTableIfMissing();
        Random random = new Random(7);
        ConcurrentLinkedQueue<ApplyOutcome> outcomes = new ConcurrentLinkedQueue<>();
        try (DynamoDbVersionedTarget target = newTarget()) {
            // the first reader applies its third batch, then "crashes" before the checkpoint, once
            AtomicInteger calls = new AtomicInteger();
            ChangeHandler crashingOnce = changes -> {
                outcomes.addAll(target.apply(changes));
                if (calls.incrementAndGet() == 3) {
                    throw new IllegalStateException("injected crash after apply, before the checkpoint");
                }
            };
            DynamoDbStreamReader first = reader(old, crashingOnce, checkpoints)
                    .batchSize(5)
                    .owner("first")
                    .build();
            first.start();
            for (int i = 0; i < 60; i++) {
                old.randomWrite(random, 12);
            }
            Eventually.within(
                    WAIT, "first reader part-way", () -> first.counts().records() >= 20);
            first.close();
            long firstRecords = first.counts().records();
            for (int i = 0; i < 60; i++) {
                old.randomWrite(random, 12);
            }
            try (DynamoDbStreamReader second = reader(
                            old, changes -> outcomes.addAll(target.apply(changes)), checkpoints)
                    .owner("second")
                    .build()) {
                second.start();
                Eventually.within(
                        WAIT,
                        "every record checkpointed",
                        () -> firstRecords + second.counts().records() == old.streamRecords.get());
                assertThat(OldTable.state(target)).isEqualTo(old.state());
                assertThat(firstRecords + second.counts().records())
                        .as("the second reader resumed from checkpoints, not from the start")
                        .isEqualTo(old.streamRecords.get());
                assertThat(second.counts().rejected()).isZero();
            }
            assertThat(first.counts().handlerFailures()).isEqualTo(1);
            assertThat(outcomes)
                    .as("the batch delivered again after the crash was absorbed")
                    .contains(ApplyOutcome.DUPLICATE);
            assertThat(old.state()).isNotEmpty();
        }
    }

    @Test
    void aBackfillScanAndTheStreamUnderLiveWritesConverge() throws Exception {
        OldTable old = new OldTable(LocalDynamoDb.freshTable("orders-old"), StreamViewType.NEW_AND_OLD_IMAGES);
        Random random = new Random(11);
        for (int i = 0; i < 50; i++) {
            old.randomWrite(random, 40);
        }
        DynamoDbScanSource scan = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                .key(OldTable.KEY)
                .version(ItemVersion.attribute("version"))
                .segments(3)
                .build();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger liveWrites = new AtomicInteger();
        try (DynamoDbVersionedTarget target = newTarget();
                DynamoDbStreamReader reader = reader(old, target::apply, new InMemoryShardCheckpointStore())
                        .build()) {
            reader.start();
            Future<?> live = writer.submit(() -> {
                Random r = new Random(13);
                // writes all through the backfill, at most 200 of them, so that the test stays short
                while (writing.get() && liveWrites.incrementAndGet() <= 200) {
                    old.randomWrite(r, 40);
                }
            });
            long copied = 0;
            for (int segment = 0; segment < scan.segments(); segment++) {
                String token = null;
                do {
                    Page page = scan.readPage(segment, token, 7);
                    target.apply(page.rows());
                    copied += page.rows().size();
                    token = page.next();
                } while (token != null);
            }
            writing.set(false);
            live.get();
            assertThat(copied).isPositive();
            assertThat(liveWrites.get()).as("writes during the backfill").isGreaterThan(10);
            // counters, not table scans, are polled: scanning both tables every 5 ms would starve the reader
            Eventually.within(
                    WAIT, "every stream record applied", () -> reader.counts().records() == old.streamRecords.get());
            Map<String, JsonNode> state = old.state();
            assertThat(OldTable.state(target)).isEqualTo(state);
            assertThat(state).isNotEmpty();
            assertThat(scan.rejected()).isZero();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aStreamWithoutTheImagesTheVersionNeedsIsRefusedAtStart() {
        OldTable old = new OldTable(LocalDynamoDb.freshTable("orders-keys-only"), StreamViewType.KEYS_ONLY);
        try (DynamoDbStreamReader reader =
                reader(old, changes -> {}, new InMemoryShardCheckpointStore()).build()) {
            assertThatThrownBy(reader::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("KEYS_ONLY")
                    .hasMessageContaining("NEW_AND_OLD_IMAGES");
            assertThat(reader.isRunning()).isFalse();
        }
    }

    @Test
    void missingSettingsAreNamed() {
        assertThatThrownBy(() -> DynamoDbStreamReader.builder(LocalDynamoDb.streams(), "arn:x", changes -> {})
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key(...) and version(...)");
        assertThatThrownBy(() -> DynamoDbStreamReader.builder(LocalDynamoDb.streams(), "arn:x", changes -> {})
                        .batchSize(1001))
                .hasMessageContaining("but was 1001");
        assertThatThrownBy(() -> DynamoDbStreamReader.builder(LocalDynamoDb.streams(), "arn:x", changes -> {})
                        .lease(Duration.ZERO))
                .hasMessageContaining("but was PT0S");
    }
}
