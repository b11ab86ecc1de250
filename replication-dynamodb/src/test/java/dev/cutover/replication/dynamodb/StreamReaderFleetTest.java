package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryShardCheckpointStore;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.replication.spi.ShardCheckpointStore.Shard;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.LocalDynamoDb;
import dev.cutover.testsupport.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Three readers sharing one stream through a checkpoint table on DynamoDB Local: a reader that
 * joins gets its fair share, a reader killed mid-stream (no lease released) loses its shards to
 * the others once its leases expire, children wait for their parents, and nothing is lost.
 */
class StreamReaderFleetTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final List<String> NAMES = List.of("a", "b", "c");

    /** A handler per reader that fails the test when two readers deliver one key at once. */
    static final class Exclusive {
        final Map<String, String> inFlight = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

        ChangeHandler of(String reader, ChangeHandler next) {
            return changes -> {
                Set<String> mine = new HashSet<>();
                try {
                    for (Change c : changes) {
                        String other = inFlight.putIfAbsent(c.key(), reader);
                        if (other != null && !other.equals(reader)) {
                            violations.add(c.key() + " delivered by " + reader + " while " + other + " delivered it");
                        } else {
                            mine.add(c.key());
                        }
                    }
                    next.handle(changes);
                } finally {
                    mine.forEach(k -> inFlight.remove(k, reader));
                }
            };
        }
    }

    private static DynamoDbShardCheckpointStore checkpointTable() {
        DynamoDbShardCheckpointStore checkpoints = DynamoDbShardCheckpointStore.builder(
                        LocalDynamoDb.client(), LocalDynamoDb.freshTable("fleet-leases"))
                .build();
        checkpoints.createTableIfMissing();
        return checkpoints;
    }

    private static DynamoDbStreamReader reader(
            String owner,
            DynamoDbStreamsClient streams,
            String arn,
            ShardCheckpointStore checkpoints,
            ChangeHandler handler,
            ItemKey key) {
        return DynamoDbStreamReader.builder(streams, arn, handler)
                .key(key)
                .version(ItemVersion.attribute("version"))
                .checkpoints(checkpoints)
                .owner(owner)
                .threads(2)
                .batchSize(3)
                .pollInterval(Duration.ofMillis(5))
                .describeEvery(Duration.ofMillis(50))
                .lease(LEASE)
                .maxBackoff(Duration.ofMillis(50))
                .closeTimeout(Duration.ofSeconds(2))
                .build();
    }

    private static int held(DynamoDbStreamReader... readers) {
        return Stream.of(readers).mapToInt(r -> r.ownedShards().size()).sum();
    }

    @Test
    void aJoiningReaderGetsItsShareAKilledOnesShardsAreTakenOverAndChildrenWaitForParents() {
        // 6 roots, 3 split: 3 parents read first, then their 6 children; 9 open shards in the end
        ShardGraph graph = new ShardGraph(6, Set.of(0, 1, 2), 4);
        ShardCheckpointStore checkpoints = checkpointTable();
        ShardGraph.FirstSeen seen = new ShardGraph.FirstSeen();
        Exclusive exclusive = new Exclusive();
        KillSwitch cKill = new KillSwitch();
        DynamoDbStreamReader a = reader(
                "a", graph.stream, ScriptedStream.ARN, checkpoints, exclusive.of("a", seen), ItemKey.attribute("id"));
        DynamoDbStreamReader b = reader(
                "b", graph.stream, ScriptedStream.ARN, checkpoints, exclusive.of("b", seen), ItemKey.attribute("id"));
        DynamoDbStreamReader c = reader(
                "c",
                cKill.wrap(DynamoDbStreamsClient.class, graph.stream),
                ScriptedStream.ARN,
                cKill.wrap(ShardCheckpointStore.class, checkpoints),
                cKill.wrap(exclusive.of("c", seen)),
                ItemKey.attribute("id"));
        try {
            a.start();
            Eventually.within(
                    WAIT,
                    "a alone holds all 9 open shards",
                    () -> a.ownedShards().size() == 9);
            Eventually.within(WAIT, "a read everything so far", () -> seen.complete(graph.written));
            b.start();
            c.start();
            Eventually.within(
                    WAIT,
                    "a fair share each: 3, 3, 3",
                    () -> a.ownedShards().size() == 3
                            && b.ownedShards().size() == 3
                            && c.ownedShards().size() == 3);
            assertThat(new HashSet<>(union(a, b, c))).hasSize(9);
            for (int i = 0; i < 3; i++) {
                graph.writeMore();
            }
            Eventually.within(WAIT, "the writes while three read", () -> seen.complete(graph.written));
            Set<String> cShards = c.ownedShards();
            cKill.kill(); // mid-stream: the writes go on, c neither reads, renews nor releases
            for (int i = 0; i < 3; i++) {
                graph.writeMore();
            }
            Eventually.within(
                    WAIT,
                    "a and b took c's shards after its lease",
                    () -> held(a, b) == 9 && union(a, b).containsAll(cShards));
            assertThat(List.of(a.ownedShards().size(), b.ownedShards().size()))
                    .as("fair between the two left")
                    .containsAnyOf(4, 5)
                    .allSatisfy(n -> assertThat(n).isBetween(4, 5));
            Eventually.within(WAIT, "every version delivered", () -> seen.complete(graph.written));
            graph.written.forEach((key, n) -> assertThat(seen.firstSeen.get(key))
                    .as("key %s: every version, first delivered in write order (parents before children)", key)
                    .isEqualTo(ShardGraph.FirstSeen.expected(n)));
            assertThat(exclusive.violations)
                    .as("a key delivered by two readers at once")
                    .isEmpty();
            assertThat(a.counts().lostLeases() + b.counts().lostLeases())
                    .as("no live reader lost a lease to another")
                    .isZero();
        } finally {
            a.close();
            b.close();
            cKill.bury();
            c.close();
        }
    }

    private static Set<String> union(DynamoDbStreamReader... readers) {
        Set<String> all = new HashSet<>();
        for (DynamoDbStreamReader r : readers) {
            all.addAll(r.ownedShards());
        }
        return all;
    }

    @Test
    void threeReadersOnARealStreamOneKilledMidStreamLoseNothingAndReconcileClean() throws Exception {
        OldTable old = new OldTable(LocalDynamoDb.freshTable("fleet-old"), StreamViewType.NEW_AND_OLD_IMAGES);
        String arn = DynamoDbStreamReader.latestStreamArn(old.dynamoDb, old.name);
        ShardCheckpointStore checkpoints = checkpointTable();
        DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(
                        LocalDynamoDb.client(), LocalDynamoDb.freshTable("fleet-new"))
                .segments(2)
                .build();
        target.createTableIfMissing();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        ChangeHandler apply = changes -> {
            target.apply(changes);
            changes.forEach(ch -> delivered.add(ch.key() + "@" + ch.version()));
        };
        Map<String, KillSwitch> kills = new ConcurrentHashMap<>();
        List<DynamoDbStreamReader> readers = new ArrayList<>();
        for (String owner : NAMES) {
            KillSwitch kill = new KillSwitch();
            kills.put(owner, kill);
            readers.add(reader(
                    owner,
                    kill.wrap(DynamoDbStreamsClient.class, LocalDynamoDb.streams()),
                    arn,
                    kill.wrap(ShardCheckpointStore.class, checkpoints),
                    kill.wrap(apply),
                    OldTable.KEY));
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        try {
            readers.forEach(DynamoDbStreamReader::start);
            Future<?> live = writer.submit(() -> {
                Random random = new Random(19);
                while (writing.get() && writes.incrementAndGet() <= 400) {
                    old.randomWrite(random, 30);
                }
            });
            Eventually.within(
                    WAIT,
                    "a reader holding a shard, part-way",
                    () -> delivered.size() >= 40
                            && readers.stream().anyMatch(r -> !r.ownedShards().isEmpty()));
            DynamoDbStreamReader victim = readers.stream()
                    .filter(r -> !r.ownedShards().isEmpty())
                    .findFirst()
                    .orElseThrow();
            String victimName = NAMES.get(readers.indexOf(victim));
            Set<String> victimShards = victim.ownedShards();
            kills.get(victimName).kill();
            List<DynamoDbStreamReader> survivors =
                    readers.stream().filter(r -> r != victim).toList();
            Eventually.within(
                    WAIT,
                    "the survivors took the killed reader's shards",
                    () -> survivors.stream()
                            .flatMap(r -> r.ownedShards().stream())
                            .toList()
                            .containsAll(victimShards));
            live.get();
            writing.set(false);
            Eventually.within(WAIT, "every stream record applied", () -> delivered.size() == old.streamRecords.get());
            assertThat(OldTable.state(target)).isEqualTo(old.state());
            DynamoDbScanSource scan = DynamoDbScanSource.builder(old.dynamoDb, old.name)
                    .key(OldTable.KEY)
                    .version(ItemVersion.attribute("version"))
                    .segments(2)
                    .build();
            ReconciliationReport report = Reconciler.between(scan, target)
                    .recheckAfter(Duration.ZERO)
                    .build()
                    .run();
            assertThat(report.clean()).as("%s", report).isTrue();
            assertThat(survivors.stream().mapToLong(r -> r.counts().rejected()).sum())
                    .isZero();
        } finally {
            writing.set(false);
            writer.shutdownNow();
            for (DynamoDbStreamReader r : readers) {
                if (!kills.get(NAMES.get(readers.indexOf(r))).dead()) {
                    r.close();
                }
            }
            kills.values().forEach(KillSwitch::bury);
            readers.forEach(DynamoDbStreamReader::close);
            target.close();
        }
    }

    @Test
    void aReaderWhoseLeaseWasTakenDeliversNothingMoreOfThatShard() throws Exception {
        ShardGraph graph = new ShardGraph(1, Set.of(), 2);
        InMemoryShardCheckpointStore checkpoints = new InMemoryShardCheckpointStore();
        MutableClock clock = new MutableClock();
        ShardGraph.FirstSeen seen = new ShardGraph.FirstSeen();
        // the reader's checkpoint calls wait while the test moves the clock and steals the lease,
        // so that it cannot renew in between; a long lease keeps its own renewals 20 s apart
        ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
        ShardCheckpointStore gated = (ShardCheckpointStore) Proxy.newProxyInstance(
                ShardCheckpointStore.class.getClassLoader(),
                new Class<?>[] {ShardCheckpointStore.class},
                (proxy, method, args) -> {
                    gate.readLock().lock();
                    try {
                        return method.invoke(checkpoints, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        gate.readLock().unlock();
                    }
                });
        try (DynamoDbStreamReader reader = DynamoDbStreamReader.builder(graph.stream, ScriptedStream.ARN, seen)
                .key(ItemKey.attribute("id"))
                .version(ItemVersion.attribute("version"))
                .checkpoints(gated)
                .owner("stale")
                .clock(clock)
                .pollInterval(Duration.ofMillis(5))
                .describeEvery(Duration.ofMillis(50))
                .lease(Duration.ofSeconds(60))
                .build()) {
            reader.start();
            Shard shard = new Shard("cutover", ScriptedStream.ARN, "r0");
            Eventually.within(
                    WAIT,
                    "the first records, checkpointed",
                    () -> seen.complete(graph.written) && checkpointed(checkpoints, shard));
            gate.writeLock().lock();
            try {
                clock.advance(Duration.ofSeconds(61)); // the reader stalled past its lease ...
                assertThat(checkpoints.lease(
                                shard, "thief", clock.instant(), clock.instant().plus(Duration.ofSeconds(60))))
                        .as("another reader takes the expired lease")
                        .isPresent();
            } finally {
                gate.writeLock().unlock();
            }
            graph.writeMore(); // ... and records come in
            Eventually.within(
                    WAIT, "the stale reader noticed", () -> reader.counts().lostLeases() == 1);
            assertThat(reader.ownedShards()).isEmpty();
            assertThat(seen.seen.values().stream().mapToInt(Set::size).sum())
                    .as("nothing delivered after the lease was lost")
                    .isEqualTo(4);
            assertThat(checkpoints.read(shard).orElseThrow().owner()).isEqualTo("thief");
        }
    }

    private static boolean checkpointed(ShardCheckpointStore checkpoints, Shard shard) {
        try {
            return checkpoints.read(shard).map(c -> c.sequenceNumber() != null).orElse(false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
