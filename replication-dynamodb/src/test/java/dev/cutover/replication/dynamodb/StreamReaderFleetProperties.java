package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.InMemoryShardCheckpointStore;
import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Any schedule of readers joining, being killed (no lease released) or closing, over any shard
 * graph: every record is delivered at least once, each key's versions first arrive in write order
 * (a child shard is read only after its parent), no two readers deliver a key at once, and no two
 * live readers hold one shard.
 */
class StreamReaderFleetProperties {
    private static final Duration WAIT = Duration.ofSeconds(30);

    enum Step {
        JOIN,
        KILL,
        CLOSE,
        WRITE
    }

    /** A reader and the switch that kills it. */
    private record Member(DynamoDbStreamReader reader, KillSwitch kill) {}

    @Property(tries = 10)
    void everyRecordArrivesParentsFirstAndEachShardHasOneLiveReader(
            @ForAll @IntRange(min = 1, max = 4) int roots,
            @ForAll @Size(max = 3) Set<@IntRange(min = 0, max = 3) Integer> split,
            @ForAll @Size(min = 1, max = 5) List<Step> schedule) {
        ShardGraph graph = new ShardGraph(roots, split, 3);
        ShardCheckpointStore checkpoints = new InMemoryShardCheckpointStore();
        ShardGraph.FirstSeen seen = new ShardGraph.FirstSeen();
        StreamReaderFleetTest.Exclusive exclusive = new StreamReaderFleetTest.Exclusive();
        List<Member> live = new ArrayList<>();
        List<Member> all = new ArrayList<>();
        Runnable join = () -> {
            KillSwitch kill = new KillSwitch();
            String owner = "r" + all.size();
            DynamoDbStreamReader reader = DynamoDbStreamReader.builder(
                            kill.wrap(DynamoDbStreamsClient.class, graph.stream),
                            ScriptedStream.ARN,
                            kill.wrap(exclusive.of(owner, seen)))
                    .key(ItemKey.attribute("id"))
                    .version(ItemVersion.attribute("version"))
                    .checkpoints(kill.wrap(ShardCheckpointStore.class, checkpoints))
                    .owner(owner)
                    .threads(2)
                    .batchSize(2)
                    .pollInterval(Duration.ofMillis(5))
                    .describeEvery(Duration.ofMillis(30))
                    .lease(Duration.ofMillis(1500))
                    .maxBackoff(Duration.ofMillis(30))
                    .closeTimeout(Duration.ofSeconds(2))
                    .build();
            Member m = new Member(reader, kill);
            all.add(m);
            live.add(m);
            reader.start();
        };
        try {
            join.run();
            for (Step step : schedule) {
                if ((step == Step.KILL || step == Step.CLOSE) && live.size() == 1) {
                    join.run(); // never the last one: someone must be left to read
                }
                switch (step) {
                    case JOIN -> join.run();
                    case KILL -> live.remove(0).kill().kill();
                    case CLOSE -> live.remove(0).reader().close();
                    case WRITE -> graph.writeMore();
                }
                int reads = graph.stream.getRecords.get();
                Eventually.within(WAIT, "the readers read on", () -> graph.stream.getRecords.get() > reads + 5);
                assertDisjoint(live);
            }
            graph.writeMore();
            Eventually.within(WAIT, "every version delivered", () -> seen.complete(graph.written));
            graph.written.forEach((key, n) -> assertThat(seen.firstSeen.get(key))
                    .as("key %s: every version, first delivered in write order", key)
                    .isEqualTo(ShardGraph.FirstSeen.expected(n)));
            assertThat(exclusive.violations).isEmpty();
            assertDisjoint(live);
        } finally {
            live.forEach(m -> m.reader().close());
            all.forEach(m -> m.kill().bury());
            all.forEach(m -> m.reader().close());
        }
    }

    private static void assertDisjoint(List<Member> live) {
        Set<String> held = new HashSet<>();
        for (Member m : live) {
            for (String shard : m.reader().ownedShards()) {
                assertThat(held.add(shard))
                        .as("shard %s held by two live readers", shard)
                        .isTrue();
            }
        }
    }
}
