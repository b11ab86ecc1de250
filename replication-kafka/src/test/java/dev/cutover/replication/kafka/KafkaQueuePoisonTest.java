package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Records that are not changes, written to the topic by another producer between good changes of
 * the same partition: each is refused alone and recorded with its {@code topic-partition@offset}
 * (and its key where it has one) in the listener and the journal; every good change, before and
 * after them in the partition, is applied; and the partition's committed offset reaches its end.
 */
class KafkaQueuePoisonTest {

    /** A poison record: its key bytes, its value bytes, and what the refusal must say. */
    private record Poison(
            byte @Nullable [] key,
            byte @Nullable [] value,
            @Nullable String keyText,
            String reason) {
        static Poison of(String key, @Nullable String value, String reason) {
            return new Poison(
                    key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                    key,
                    reason);
        }
    }

    private static final List<Poison> POISONS = List.of(
            Poison.of("p-json", "{\"key\":\"p-json\",\"version\":", "not JSON"),
            Poison.of(
                    "p-version-text",
                    "{\"key\":\"p-version-text\",\"version\":\"7\",\"kind\":\"UPSERT\",\"payload\":{}}",
                    "field 'version' is string"),
            Poison.of(
                    "p-version-fraction",
                    "{\"key\":\"p-version-fraction\",\"version\":1.5,\"kind\":\"DELETE\"}",
                    "field 'version' is number"),
            Poison.of(
                    "p-version-zero", "{\"key\":\"p-version-zero\",\"version\":0,\"kind\":\"DELETE\"}", "must be >= 1"),
            Poison.of(
                    "p-kind",
                    "{\"key\":\"p-kind\",\"version\":3,\"kind\":\"MERGE\",\"payload\":{}}",
                    "neither UPSERT nor DELETE"),
            Poison.of("p-no-payload", "{\"key\":\"p-no-payload\",\"version\":2,\"kind\":\"UPSERT\"}", "has no payload"),
            Poison.of(
                    "p-extra",
                    "{\"key\":\"p-extra\",\"version\":2,\"kind\":\"DELETE\",\"op\":\"x\"}",
                    "unknown field 'op'"),
            Poison.of("p-array", "[1,2,3]", "not a JSON object"),
            Poison.of("p-tombstone", null, "no value"),
            new Poison(
                    new byte[] {(byte) 0xff, (byte) 0xfe},
                    "not json at all".getBytes(StandardCharsets.UTF_8),
                    null,
                    "not JSON"));

    @Test
    void poisonRecordsAreRefusedAloneWithTheirPositionAndTheRestOfThePartitionIsApplied() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("poison"), 2);
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        List<KafkaQueueRejection> rejections = new CopyOnWriteArrayList<>();
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        List<Change> before = Queues.changes("before", 100);
        List<Change> after = Queues.changes("after", 100);
        Map<String, Poison> positions = new LinkedHashMap<>();

        try (KafkaChangeQueue queue = Queues.on(topic)
                        .groupId(topic + "-group")
                        .name("orders-queue")
                        .journal(journal)
                        .onRejected(rejections::add)
                        .build();
                KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(
                        Map.of("bootstrap.servers", KafkaBroker.get().bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            Queues.send(queue, before);
            for (Poison p : POISONS) {
                for (int partition = 0; partition < 2; partition++) {
                    RecordMetadata m = other.send(new ProducerRecord<>(topic, partition, p.key(), p.value()))
                            .get(30, TimeUnit.SECONDS);
                    positions.put(topic + "-" + m.partition() + "@" + m.offset(), p);
                }
            }
            Queues.send(queue, after);

            Mirror<Change> mirror = Mirror.to(target)
                    .mapping((Change c) -> List.of(c))
                    .queue(queue)
                    .build();
            try {
                await().atMost(Queues.DEADLINE)
                        .pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> {
                            assertThat(rejections).hasSize(positions.size());
                            assertThat(Queues.committed(topic, topic + "-group", 2))
                                    .as("poison never blocks its partition")
                                    .isEqualTo(Queues.ends(topic, 2));
                        });
            } finally {
                mirror.close();
            }
            for (Change c : concat(before, after)) {
                Change stored = target.read(c.key()).orElseThrow();
                assertThat(stored.version()).as(c.key()).isEqualTo(c.version());
                assertThat(String.valueOf(stored.payload())).as(c.key()).isEqualTo(String.valueOf(c.payload()));
            }
            assertThat(mirror.counts().applied()).isEqualTo(200);
            assertThat(queue.counts().poison()).isEqualTo(positions.size());
        }

        Map<String, KafkaQueueRejection> byPosition = new LinkedHashMap<>();
        rejections.forEach(r -> byPosition.put(r.position(), r));
        assertThat(byPosition.keySet()).as("each recorded at its own position").isEqualTo(positions.keySet());
        positions.forEach((position, p) -> {
            KafkaQueueRejection r = byPosition.get(position);
            assertThat(r.kind()).isEqualTo(KafkaQueueRejection.Kind.POISON);
            assertThat(r.key()).as(position).isEqualTo(p.keyText());
            assertThat(r.reason()).as(position).contains(p.reason());
            assertThat(r.toString()).contains("POISON at " + position);
        });

        List<JournalEntry> entries = journal.pending();
        List<String> details = new ArrayList<>();
        for (JournalEntry e : entries) {
            FailedWrite w = e.write();
            assertThat(w.repository()).isEqualTo("orders-queue");
            assertThat(w.method()).isEqualTo("kafka-poll");
            details.add(w.detail());
        }
        // the journal coalesces by key: each poison key has its entry, naming a position of it
        for (Poison p : POISONS) {
            if (p.keyText() != null) {
                assertThat(entries)
                        .filteredOn(e -> p.keyText().equals(e.write().entityKey()))
                        .singleElement()
                        .satisfies(e -> assertThat(e.write().detail()).contains("POISON at " + topic + "-"));
            }
        }
        assertThat(details).anySatisfy(d -> assertThat(d).contains("not JSON"));
    }

    private static List<Change> concat(List<Change> a, List<Change> b) {
        List<Change> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
