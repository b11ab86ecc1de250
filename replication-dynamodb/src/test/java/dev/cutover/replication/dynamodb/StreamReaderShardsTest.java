package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryShardCheckpointStore;
import dev.cutover.replication.spi.ShardCheckpointStore.Shard;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.FaultyStreams;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Shard following on a scripted stream: splits (children wait for their parent), closed shards,
 * readers sharing shards through leases, expired iterators and failing handlers.
 */
class StreamReaderShardsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Every change delivered, in delivery order, per key. */
    static final class Recorder implements ChangeHandler {
        final Map<String, List<Long>> versions = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Change> all = new ConcurrentLinkedQueue<>();

        @Override
        public void handle(List<Change> changes) {
            for (Change c : changes) {
                all.add(c);
                versions.computeIfAbsent(c.key(), k -> new CopyOnWriteArrayList<>())
                        .add(c.version());
            }
        }

        List<Long> of(String key) {
            return versions.getOrDefault(key, List.of());
        }
    }

    private static DynamoDbStreamReader.Builder reader(DynamoDbStreamsClientLike stream, ChangeHandler handler) {
        return DynamoDbStreamReader.builder(stream.client(), ScriptedStream.ARN, handler)
                .key(ItemKey.attribute("id"))
                .version(ItemVersion.attribute("version"))
                .pollInterval(Duration.ofMillis(5))
                .describeEvery(Duration.ofMillis(50))
                .lease(Duration.ofSeconds(2))
                .maxBackoff(Duration.ofMillis(50));
    }

    /** Lets tests pass the scripted stream or a wrapper of it. */
    interface DynamoDbStreamsClientLike {
        software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient client();
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            out.add(v);
        }
        return out;
    }

    @Test
    void childrenWaitForTheirParentSoEveryKeyArrivesInWriteOrder() {
        ScriptedStream stream = new ScriptedStream();
        stream.open("a", null);
        for (int v = 1; v <= 5; v++) {
            stream.write("a", "k1", v, false);
        }
        // the split: b and c open while a still has records to be read, and a is not closed yet
        stream.open("b", "a");
        stream.open("c", "a");
        stream.write("b", "k1", 6, false);
        stream.write("c", "k2", 2, false);
        InMemoryShardCheckpointStore checkpoints = new InMemoryShardCheckpointStore();
        Recorder recorder = new Recorder();
        try (DynamoDbStreamReader reader = reader(() -> stream, recorder)
                .checkpoints(checkpoints)
                .batchSize(2)
                .build()) {
            reader.start();
            Eventually.within(
                    WAIT, "the parent's records", () -> recorder.of("k1").size() == 5);
            int reads = stream.getRecords.get();
            Eventually.within(WAIT, "more rounds", () -> stream.getRecords.get() > reads + 20);
            assertThat(recorder.of("k1"))
                    .as("nothing of the children before the parent ended")
                    .isEqualTo(range(1, 5));
            assertThat(recorder.of("k2")).isEmpty();
            stream.write("a", "k2", 1, false); // the parent's last record
            stream.close("a");
            Eventually.within(
                    WAIT,
                    "the children's records",
                    () -> recorder.of("k1").size() == 6 && recorder.of("k2").size() == 2);
            assertThat(recorder.of("k1")).isEqualTo(range(1, 6));
            assertThat(recorder.of("k2")).isEqualTo(range(1, 2));
            stream.write("c", "k2", 3, true); // a delete: the old image's version plus one
            Eventually.within(WAIT, "the delete", () -> recorder.of("k2").size() == 3);
            assertThat(recorder.all).contains(Change.delete("k2", 3));
            assertThat(checkpoints
                            .read(new Shard("cutover", ScriptedStream.ARN, "a"))
                            .orElseThrow()
                            .finished())
                    .isTrue();
            assertThat(reader.ownedShards()).containsExactlyInAnyOrder("b", "c");
        }
    }

    @Test
    void readersShareShardsThroughLeasesAndTakeOverFromCheckpoints() {
        ScriptedStream stream = new ScriptedStream();
        for (String shard : List.of("s1", "s2", "s3", "s4")) {
            stream.open(shard, null);
            for (int v = 1; v <= 3; v++) {
                stream.write(shard, shard + "-key", v, false);
            }
        }
        DynamoDbShardCheckpointStore checkpoints = DynamoDbShardCheckpointStore.builder(
                        LocalDynamoDb.client(), LocalDynamoDb.freshTable("leases"))
                .build();
        checkpoints.createTableIfMissing();
        Recorder recorder = new Recorder();
        DynamoDbStreamReader first = reader(() -> stream, recorder)
                .checkpoints(checkpoints)
                .owner("first")
                .maxShards(2)
                .build();
        try (DynamoDbStreamReader second = reader(() -> stream, recorder)
                .checkpoints(checkpoints)
                .owner("second")
                .build()) {
            first.start();
            Eventually.within(
                    WAIT, "first holds two shards", () -> first.ownedShards().size() == 2);
            second.start();
            Eventually.within(WAIT, "every record", () -> recorder.all.size() == 12);
            Set<String> firstShards = first.ownedShards();
            assertThat(second.ownedShards()).hasSize(2).doesNotContainAnyElementsOf(firstShards);
            first.close();
            for (String shard : firstShards) {
                stream.write(shard, shard + "-key", 4, false);
            }
            Eventually.within(
                    WAIT, "second took over", () -> second.ownedShards().size() == 4);
            Eventually.within(WAIT, "the records after the take-over", () -> recorder.all.size() == 14);
            for (String shard : List.of("s1", "s2", "s3", "s4")) {
                List<Long> expected = range(1, firstShards.contains(shard) ? 4 : 3);
                assertThat(recorder.of(shard + "-key"))
                        .as("shard %s, exactly once after a clean hand-over", shard)
                        .isEqualTo(expected);
            }
        } finally {
            first.close();
        }
    }

    @Test
    void anExpiredIteratorResumesAfterTheCheckpointAndAFailingHandlerGetsTheSameChangesAgain() {
        ScriptedStream stream = new ScriptedStream();
        stream.open("a", null);
        FaultyStreams expiring = new FaultyStreams(stream);
        Recorder recorder = new Recorder();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        List<List<Change>> attempts = new CopyOnWriteArrayList<>();
        ChangeHandler flaky = changes -> {
            attempts.add(List.copyOf(changes));
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("injected handler failure");
            }
            recorder.handle(changes);
        };
        stream.write("a", "k", 1, false);
        stream.write("a", "k", 2, false);
        try (DynamoDbStreamReader reader = reader(() -> expiring, flaky).build()) {
            reader.start();
            Eventually.within(
                    WAIT, "delivered after two failures", () -> recorder.of("k").size() == 2);
            assertThat(reader.counts().handlerFailures()).isEqualTo(2);
            assertThat(attempts)
                    .hasSize(3)
                    .allSatisfy(batch -> assertThat(batch).isEqualTo(attempts.get(0)));
            expiring.expireNext.set(1);
            Eventually.within(
                    WAIT, "expired iterator replaced", () -> reader.counts().expiredIterators() == 1);
            stream.write("a", "k", 3, false);
            Eventually.within(WAIT, "the next record", () -> recorder.of("k").size() == 3);
            assertThat(recorder.of("k")).isEqualTo(range(1, 3));
            assertThat(new HashSet<>(recorder.all)).hasSize(3);
        }
    }

    @Test
    void changesTheHandlerNeverTookGoToTheNextReader() {
        ScriptedStream stream = new ScriptedStream();
        stream.open("a", null);
        stream.write("a", "k", 1, false);
        stream.write("a", "k", 2, true);
        InMemoryShardCheckpointStore checkpoints = new InMemoryShardCheckpointStore();
        try (DynamoDbStreamReader failing = reader(() -> stream, changes -> {
                    throw new IllegalStateException("injected: the target is down");
                })
                .checkpoints(checkpoints)
                .build()) {
            failing.start();
            Eventually.within(WAIT, "a failed delivery", () -> failing.counts().handlerFailures() >= 1);
        } // stops while the handler still fails: nothing was checkpointed
        assertThat(checkpoints
                        .read(new Shard("cutover", ScriptedStream.ARN, "a"))
                        .orElseThrow()
                        .sequenceNumber())
                .isNull();
        Recorder recorder = new Recorder();
        try (DynamoDbStreamReader next =
                reader(() -> stream, recorder).checkpoints(checkpoints).build()) {
            next.start();
            Eventually.within(WAIT, "the changes, delivered by the next reader", () -> recorder.all.size() == 2);
            assertThat(recorder.all)
                    .containsExactly(Change.upsert("k", 1, recorder.all.peek().payload()), Change.delete("k", 2));
        }
    }
}
