package dev.cutover.replication.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.journal.JdbcFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import dev.cutover.replication.sqs.internal.ChangeCodec;
import dev.cutover.testsupport.DatabaseKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The SQS change queue on a real ElasticMQ: redelivery after the visibility timeout, the
 * dead-letter path with the key in a real (PostgreSQL) journal, the size limit at offer, and
 * messages that are not changes refused alone while the rest of their batch is applied.
 */
class SqsChangeQueueTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void aChangePolledAndNeverAcknowledgedComesBackAfterTheVisibilityTimeout() throws Exception {
        String url = ElasticMq.createQueue("redelivery", false);
        try (SqsChangeQueue queue = ElasticMq.queue(url).build()) {
            Change change = Change.upsert("order-1", 7, JSON.objectNode().put("total", 12));
            assertThat(queue.offer(change, Duration.ofSeconds(5))).isTrue();

            Delivery first = queue.poll(10, Duration.ofSeconds(5), Duration.ZERO);
            assertThat(first.changes()).containsExactly(change);
            // the consumer dies here: no ack. Hidden for the 2 s visibility timeout, then back.
            assertThat(queue.poll(10, Duration.ZERO, Duration.ZERO).changes())
                    .as("hidden while in flight")
                    .isEmpty();
            long started = System.nanoTime();
            List<Change> again = new ArrayList<>();
            again.addAll(ElasticMq.pollUntil(queue, 10, Duration.ofSeconds(15), delivered -> !delivered.isEmpty()));
            assertThat(again).containsExactly(change);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("not before the visibility timeout")
                    .isGreaterThan(Duration.ofMillis(1_000));
            assertThat(queue.counts().redelivered()).isEqualTo(1);
            assertThat(queue.counts().acked()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.depth() == 0);
        } finally {
            ElasticMq.deleteQueue(url);
        }
    }

    @Test
    void aChangeReceivedMoreThanMaxReceivesIsDeadLetteredWithItsKeyJournaled() throws Exception {
        String url = ElasticMq.createQueue("poison", false);
        String dlq = ElasticMq.createQueue("poison-dead", false);
        JdbcFailedWriteJournal journal = JdbcFailedWriteJournal.builder(
                        DatabaseKind.POSTGRES.createDatabase("sqs_dead_letters").dataSource())
                .build();
        journal.createSchemaIfMissing();
        ConcurrentLinkedQueue<SqsQueueFailure> failures = new ConcurrentLinkedQueue<>();
        Change poison = Change.upsert("order-π", 3, JSON.objectNode().put("note", "crashes its consumer"));
        Change healthy = Change.delete("order-2", 4);
        try (SqsChangeQueue queue = ElasticMq.queue(url)
                .deadLetterQueue(dlq)
                .maxReceives(2)
                .visibilityTimeout(Duration.ofSeconds(1))
                .journal(journal)
                .onFailure(failures::add)
                .build()) {
            assertThat(queue.offer(poison, Duration.ofSeconds(5))).isTrue();
            // two consumers take it and die before acknowledging
            for (int receive = 1; receive <= 2; receive++) {
                List<Change> got = new ArrayList<>();
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> got.addAll(queue.poll(10, Duration.ofSeconds(1), Duration.ZERO)
                                .changes()));
                assertThat(got).as("receive %d", receive).containsExactly(poison);
            }
            assertThat(queue.offer(healthy, Duration.ofSeconds(5))).isTrue();
            // the third receive moves it aside; the healthy change is still delivered
            List<Change> later = new ArrayList<>();
            later.addAll(ElasticMq.pollUntil(
                    queue,
                    10,
                    Duration.ofSeconds(15),
                    delivered -> queue.counts().deadLettered() == 1 && delivered.contains(healthy)));
            assertThat(later).containsExactly(healthy);

            List<Message> dead = ElasticMq.client()
                    .receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(5))
                    .join()
                    .messages();
            assertThat(dead).hasSize(1);
            assertThat(ChangeCodec.decode(dead.get(0).body()))
                    .as("the dead letter is the change, unchanged")
                    .isEqualTo(poison);
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(SqsQueueFailure.Kind.DEAD_LETTERED);
                assertThat(f.key()).isEqualTo("order-π");
                assertThat(f.version()).isEqualTo(3);
                assertThat(f.receiveCount()).isEqualTo(3);
                assertThat(f.messageId()).isNotBlank();
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> queue.depth() == 0);
        }
        List<JournalEntry> pending = journal.pending(0, 10);
        assertThat(pending)
                .as("the key is in the journal once the queue closed")
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.write().entityKey()).isEqualTo("order-π");
                    assertThat(e.write().repository()).isEqualTo(url.substring(url.lastIndexOf('/') + 1));
                    assertThat(e.write().method()).isEqualTo("sqs-dead-letter");
                });
        ElasticMq.deleteQueue(url);
        ElasticMq.deleteQueue(dlq);
    }

    @Test
    void aChangeOverTheSizeLimitIsRefusedAtOfferNamingItsKeySizeAndTheLimit() throws Exception {
        String url = ElasticMq.createQueue("sizes", false);
        try (SqsChangeQueue queue = ElasticMq.queue(url).build();
                SqsChangeQueue large =
                        ElasticMq.queue(url).maxMessageBytes(1_048_576).build()) {
            Change fits = withBodyOf("fits", 262_144);
            Change over = withBodyOf("too-big", 262_145);
            assertThat(ChangeCodec.utf8Length(ChangeCodec.encode(fits))).isEqualTo(262_144);
            assertThat(queue.offer(fits, Duration.ofSeconds(5))).isTrue();
            assertThatThrownBy(() -> queue.offer(over, Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("too-big")
                    .hasMessageContaining("262,145 bytes")
                    .hasMessageContaining("262,144 bytes");
            // SQS (since 2025) and ElasticMQ 1.7.1 take up to 1 MiB where the queue allows it
            Change mebibyte = withBodyOf("one-mebibyte", 1_048_576);
            assertThat(large.offer(mebibyte, Duration.ofSeconds(5))).isTrue();
            assertThatThrownBy(() -> large.offer(withBodyOf("over-a-mebibyte", 1_048_577), Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("over-a-mebibyte")
                    .hasMessageContaining("1,048,577 bytes")
                    .hasMessageContaining("1,048,576 bytes");

            List<Change> got = new ArrayList<>();
            got.addAll(ElasticMq.pollUntil(queue, 10, Duration.ofSeconds(20), delivered -> delivered.size() >= 2));
            assertThat(got).containsExactlyInAnyOrder(fits, mebibyte);
            assertThat(queue.counts().sendFailed() + large.counts().sendFailed())
                    .isZero();
        } finally {
            ElasticMq.deleteQueue(url);
        }
    }

    @Test
    void messagesThatAreNotChangesAreRefusedAloneAndTheRestOfTheirBatchIsApplied() throws Exception {
        String url = ElasticMq.createQueue("mixed", false);
        String dlq = ElasticMq.createQueue("mixed-dead", false);
        Map<String, String> bad = Map.of(
                "not json", "{\"cutover\":1,\"key\":",
                "unknown kind", "{\"cutover\":1,\"key\":\"bad-kind\",\"version\":2,\"kind\":\"MERGE\",\"payload\":{}}",
                "version as text", "{\"cutover\":1,\"key\":\"bad-version\",\"version\":\"2\",\"kind\":\"DELETE\"}",
                "version with a fraction", "{\"cutover\":1,\"key\":\"half\",\"version\":2.5,\"kind\":\"DELETE\"}",
                "unknown format", "{\"cutover\":2,\"key\":\"future\",\"version\":2,\"kind\":\"DELETE\"}",
                "another producer's message", "{\"orderId\":17,\"status\":\"shipped\"}");
        List<Change> good = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            good.add(Change.upsert("good-" + i, 10 + i, JSON.objectNode().put("i", i)));
        }
        // one SendMessageBatch: good and bad messages side by side
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (Change c : good) {
            entries.add(entry(entries.size(), ChangeCodec.encode(c)));
        }
        for (String body : bad.values()) {
            entries.add(entry(entries.size(), body));
        }
        SendMessageBatchResponse sent = ElasticMq.client()
                .sendMessageBatch(b -> b.queueUrl(url).entries(entries))
                .join();
        assertThat(sent.failed()).isEmpty();
        Map<String, String> messageIdsByBody = sent.successful().stream()
                .collect(Collectors.toMap(
                        r -> entries.get(Integer.parseInt(r.id())).messageBody(), r -> r.messageId()));

        ConcurrentLinkedQueue<SqsQueueFailure> failures = new ConcurrentLinkedQueue<>();
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        try (SqsChangeQueue queue = ElasticMq.queue(url)
                        .deadLetterQueue(dlq)
                        .onFailure(failures::add)
                        .build();
                Mirror<Object> mirror = Mirror.to(target)
                        .mapping(e -> List.of())
                        .queue(queue)
                        .workers(1)
                        .batchSize(50)
                        .linger(Duration.ofMillis(50))
                        .build()) {
            // the target holds a change before the mirror counts it applied and the queue acknowledges
            // it: wait for the counts too, then check them exactly
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> queue.counts().deadLettered() == bad.size()
                            && queue.depth() == 0
                            && mirror.counts().applied() >= good.size()
                            && queue.counts().acked() >= good.size());
            for (Change c : good) {
                Change stored = target.read(c.key()).orElseThrow();
                assertThat(stored.version()).as(c.key()).isEqualTo(c.version());
                assertThat(PayloadDigest.of(stored.payload())).isEqualTo(PayloadDigest.of(c.payload()));
            }
            assertThat(mirror.counts().applied()).isEqualTo(good.size());
            assertThat(queue.counts().rejected()).isEqualTo(bad.size());
            assertThat(queue.counts().acked()).isEqualTo(good.size());
        }
        assertThat(failures).hasSize(bad.size()).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(SqsQueueFailure.Kind.NOT_A_CHANGE);
            assertThat(f.receiveCount()).isEqualTo(1);
            assertThat(f.detail()).endsWith("moved to the dead-letter queue");
        });
        assertThat(failures.stream().map(SqsQueueFailure::messageId))
                .as("each recorded by its queue position")
                .containsExactlyInAnyOrderElementsOf(
                        bad.values().stream().map(messageIdsByBody::get).toList());
        assertThat(failures.stream().map(SqsQueueFailure::key))
                .as("the key, where the message named one")
                .containsExactlyInAnyOrder(null, "bad-kind", "bad-version", "half", "future", null);
        assertThat(failures.stream().map(SqsQueueFailure::detail))
                .anySatisfy(d -> assertThat(d).startsWith("not JSON"))
                .anySatisfy(d -> assertThat(d).startsWith("unknown kind 'MERGE'"))
                .anySatisfy(d -> assertThat(d).startsWith("'version' must be a whole number but was text"))
                .anySatisfy(d -> assertThat(d).startsWith("'version' must be a whole number but was a number with"))
                .anySatisfy(d -> assertThat(d).startsWith("unknown format 2"))
                .anySatisfy(d -> assertThat(d).startsWith("unknown field 'orderId'"));
        List<String> deadBodies = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            ElasticMq.client()
                    .receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .join()
                    .messages()
                    .forEach(m -> deadBodies.add(m.body()));
            return deadBodies.size() >= bad.size();
        });
        assertThat(deadBodies).as("moved unchanged").containsExactlyInAnyOrderElementsOf(bad.values());
        ElasticMq.deleteQueue(url);
        ElasticMq.deleteQueue(dlq);
    }

    @Test
    void withoutADeadLetterQueueABadMessageStaysForTheQueuesRedrivePolicy() throws Exception {
        String url = ElasticMq.createQueue("no-dlq", false);
        ElasticMq.client()
                .sendMessage(b -> b.queueUrl(url).messageBody("not a change"))
                .join();
        Change good = Change.delete("k", 1);
        try (SqsChangeQueue queue =
                ElasticMq.queue(url).visibilityTimeout(Duration.ofSeconds(1)).build()) {
            assertThat(queue.offer(good, Duration.ofSeconds(5))).isTrue();
            List<Change> got = new ArrayList<>();
            got.addAll(ElasticMq.pollUntil(
                    queue,
                    10,
                    Duration.ofSeconds(20),
                    delivered -> queue.counts().rejected() >= 2));
            assertThat(got).as("only the change is delivered").containsExactly(good);
            assertThat(queue.counts().deadLettered()).isZero();
            assertThat(queue.counts().redelivered())
                    .as("the bad message came back: never deleted")
                    .isPositive();
        } finally {
            ElasticMq.deleteQueue(url);
        }
    }

    @Test
    void closingSendsWhatIsBufferedAndRefusesLaterOffers() throws Exception {
        String url = ElasticMq.createQueue("close", false);
        SqsChangeQueue queue = ElasticMq.queue(url).build();
        List<Change> offered = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Change c = Change.upsert("c-" + i, 1, JSON.objectNode().put("i", i));
            assertThat(queue.offer(c, Duration.ofSeconds(5))).isTrue();
            offered.add(c);
        }
        assertThat(queue.close(Duration.ofSeconds(30))).isTrue();
        assertThat(queue.counts().sent()).isEqualTo(200);
        assertThat(queue.counts().buffered()).isZero();
        assertThatThrownBy(() -> queue.offer(offered.get(0), Duration.ZERO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed")
                .hasMessageContaining("c-0");
        List<Change> got = new ArrayList<>();
        got.addAll(ElasticMq.pollUntil(queue, 100, Duration.ofSeconds(20), delivered -> delivered.size() >= 200));
        assertThat(got).containsExactlyInAnyOrderElementsOf(offered);
        ElasticMq.deleteQueue(url);
    }

    private static SendMessageBatchRequestEntry entry(int id, String body) {
        return SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(id))
                .messageBody(body)
                .build();
    }

    /** A change whose message body is exactly {@code bytes} long. */
    private static Change withBodyOf(String key, int bytes) {
        ObjectNode payload = JSON.objectNode().put("text", "");
        int overhead = (int) ChangeCodec.utf8Length(ChangeCodec.encode(Change.upsert(key, 1, payload)));
        return Change.upsert(key, 1, JSON.objectNode().put("text", "x".repeat(bytes - overhead)));
    }
}
