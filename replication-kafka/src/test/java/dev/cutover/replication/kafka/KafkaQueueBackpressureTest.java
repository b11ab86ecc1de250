package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.replication.Change;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * Sending under backpressure: with a window of sends in flight far smaller than a burst, offers that
 * find no room in time return false, and every offer that returned true is delivered; none that
 * returned false is. An accepted change the cluster never acknowledges is recorded by key. A change
 * over the record size limit is refused with its key named.
 */
class KafkaQueueBackpressureTest {

    @Test
    void offersWithoutRoomReturnFalseAndEveryAcceptedChangeIsDelivered() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("backpressure"), 3);
        List<Change> offered = Queues.changes("bp", 3000);
        List<Change> accepted = new ArrayList<>();
        try (KafkaChangeQueue queue = Queues.on(topic)
                .groupId(topic + "-group")
                .maxInFlightBytes(1024)
                .build()) {
            for (Change c : offered) {
                if (queue.offer(c, Duration.ZERO)) {
                    accepted.add(c);
                }
            }
            assertThat(queue.flush(Queues.DEADLINE)).isTrue();
            assertThat(queue.counts().refused())
                    .as("a burst far beyond a 1 KiB window: some offers found no room")
                    .isPositive();
            assertThat(accepted).as("and some did").isNotEmpty();
            assertThat(queue.counts().accepted() + queue.counts().refused()).isEqualTo(offered.size());
            assertThat(queue.counts().sent()).isEqualTo(accepted.size());
            assertThat(queue.counts().undelivered()).isZero();

            // an offer that may wait always finds room, however small the window
            List<Change> patient = Queues.changes("patient", 200);
            for (Change c : patient) {
                assertThat(queue.offer(c, Queues.DEADLINE)).isTrue();
            }
            accepted.addAll(patient);

            Set<Change> delivered = Queues.collect(queue, accepted);
            assertThat(delivered).as("every accepted change, and nothing else").isEqualTo(new HashSet<>(accepted));
        }
    }

    @Test
    void anAcceptedChangeTheClusterNeverAcknowledgesIsRecordedByKey() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("undelivered"), 1);
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        List<KafkaQueueRejection> rejections = new CopyOnWriteArrayList<>();
        try (KafkaChangeQueue queue = Queues.on(topic)
                .journal(journal)
                .onRejected(rejections::add)
                .producerProperty("delivery.timeout.ms", 3000)
                .producerProperty("request.timeout.ms", 1000)
                .producerProperty("linger.ms", 0)
                .build()) {
            KafkaBroker.get().admin().deleteTopics(List.of(topic)).all().get();
            Change lost = Queues.changes("undelivered", 1).get(0);

            assertThat(queue.offer(lost, Duration.ofSeconds(5)))
                    .as("accepted: the producer holds it")
                    .isTrue();

            await().atMost(Queues.DEADLINE).until(() -> !rejections.isEmpty() && journal.pendingCount() == 1);
            KafkaQueueRejection r = rejections.get(0);
            assertThat(r.kind()).isEqualTo(KafkaQueueRejection.Kind.UNDELIVERED);
            assertThat(r.key()).isEqualTo(lost.key());
            assertThat(r.position()).isEqualTo(topic);
            assertThat(journal.pending().get(0).write().entityKey()).isEqualTo(lost.key());
            assertThat(journal.pending().get(0).write().method()).isEqualTo("kafka-send");
            assertThat(queue.counts().undelivered()).isEqualTo(1);
            assertThat(queue.counts().inFlight())
                    .as("its room in the window is given back")
                    .isZero();
        }
    }

    @Test
    void aChangeOverTheSizeLimitIsRefusedNamingItsKey() throws Exception {
        String topic = KafkaBroker.uniqueName("size");
        KafkaBroker.get()
                .admin()
                .createTopics(List.of(
                        new NewTopic(topic, 1, (short) 1).configs(java.util.Map.of("max.message.bytes", "20000"))))
                .all()
                .get();
        try (KafkaChangeQueue queue = Queues.on(topic).build()) {
            assertThat(queue.maxRecordBytes())
                    .as("the topic's limit, below the producer's")
                    .isEqualTo(20_000);
            Change big = Change.upsert(
                    "order-big", 3, JsonNodeFactory.instance.objectNode().put("blob", "x".repeat(30_000)));
            assertThatThrownBy(() -> queue.offer(big, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'order-big' v3")
                    .hasMessageContaining("over the limit of 20000 bytes")
                    .hasMessageContaining("max.message.bytes");
            Change fits = Change.upsert(
                    "order-small", 1, JsonNodeFactory.instance.objectNode().put("blob", "x".repeat(10_000)));
            assertThat(queue.offer(fits, Duration.ofSeconds(10))).isTrue();
            assertThat(queue.flush(Queues.DEADLINE)).isTrue();
            assertThat(queue.counts().sent()).isEqualTo(1);
        }
    }
}
