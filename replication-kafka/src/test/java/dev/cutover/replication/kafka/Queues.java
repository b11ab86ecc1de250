package dev.cutover.replication.kafka;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the queue tests share: queues on the test broker, changes to send, group offsets to read. */
final class Queues {
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private Queues() {}

    /** A builder on {@code topic} of the test broker, with timeouts for tests. */
    static KafkaChangeQueue.Builder on(String topic) {
        return KafkaChangeQueue.builder(KafkaBroker.get().bootstrapServers(), topic)
                .closeTimeout(Duration.ofSeconds(10));
    }

    /** A consumer of {@code group} that a test can stall: expelled 2 s after it stops polling. */
    static KafkaChangeQueue.Builder member(String topic, String group) {
        return on(topic)
                .groupId(group)
                .commitInterval(Duration.ofMillis(50))
                .consumerProperty("session.timeout.ms", 2000)
                .consumerProperty("heartbeat.interval.ms", 300)
                .consumerProperty("max.poll.interval.ms", 2000);
    }

    /** {@code count} upserts of distinct keys {@code prefix-0...}, at version 1. */
    static List<Change> changes(String prefix, int count) {
        List<Change> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Change.upsert(
                    prefix + "-" + i,
                    1,
                    JsonNodeFactory.instance.objectNode().put("i", i).put("text", "é漢\uD83D\uDE42")));
        }
        return out;
    }

    /** Offers every change, waiting as long as it takes, and flushes. */
    static void send(KafkaChangeQueue queue, List<Change> changes) throws Exception {
        for (Change c : changes) {
            if (!queue.offer(c, DEADLINE)) {
                throw new AssertionError("no room within " + DEADLINE + " for " + c);
            }
        }
        if (!queue.flush(DEADLINE)) {
            throw new AssertionError("not flushed within " + DEADLINE);
        }
    }

    /** Polls until deliveries holding exactly {@code count} changes were taken; none acknowledged. */
    static List<Delivery> take(KafkaChangeQueue queue, int count) throws Exception {
        List<Delivery> out = new ArrayList<>();
        int got = 0;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (got < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("took " + got + " of " + count + " within " + DEADLINE);
            }
            Delivery d = queue.poll(count - got, Duration.ofMillis(200), Duration.ZERO);
            if (!d.changes().isEmpty()) {
                out.add(d);
                got += d.changes().size();
            }
        }
        return out;
    }

    /** Polls and acknowledges until every change of {@code expected} was delivered; returns all delivered. */
    static Set<Change> collect(KafkaChangeQueue queue, Collection<Change> expected) throws Exception {
        Set<Change> delivered = new HashSet<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!delivered.containsAll(expected) && System.nanoTime() < deadline) {
            Delivery d = queue.poll(500, Duration.ofMillis(200), Duration.ZERO);
            delivered.addAll(d.changes());
            queue.ack(d);
        }
        return delivered;
    }

    /** The changes of {@code deliveries}, in order. */
    static List<Change> changesOf(List<Delivery> deliveries) {
        List<Change> out = new ArrayList<>();
        deliveries.forEach(d -> out.addAll(d.changes()));
        return out;
    }

    /** The group's committed offset of each partition of {@code topic} (-1 where none). */
    static Map<Integer, Long> committed(String topic, String group, int partitions) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> c = KafkaBroker.get()
                .admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<Integer, Long> out = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            OffsetAndMetadata o = c.get(new TopicPartition(topic, p));
            out.put(p, o == null ? -1L : o.offset());
        }
        return out;
    }

    /** The end offset of each partition of {@code topic}. */
    static Map<Integer, Long> ends(String topic, int partitions) throws Exception {
        Admin admin = KafkaBroker.get().admin();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(latest)
                .all()
                .get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }
}
