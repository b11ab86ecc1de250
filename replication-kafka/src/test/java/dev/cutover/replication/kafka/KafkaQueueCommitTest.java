package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Offsets are committed only after the apply: a consumer that polled changes and never
 * acknowledged them (it died) leaves them, and everything after them, to the next consumer of its
 * group; what it acknowledged before them is not delivered again.
 */
class KafkaQueueCommitTest {

    @Test
    void theCommitStopsAtTheFirstChangeNotAcknowledgedAndTheNextConsumerGetsItAgain() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("commit"), 1);
        String group = topic + "-group";
        List<Change> sent = Queues.changes("c", 10);
        try (KafkaChangeQueue first = Queues.member(topic, group).build()) {
            Queues.send(first, sent);
            List<Delivery> applied = Queues.take(first, 3);
            List<Delivery> unacknowledged = Queues.take(first, 3);
            List<Delivery> appliedLater = Queues.take(first, 4);
            assertThat(Queues.changesOf(applied))
                    .as("one partition: in offset order")
                    .isEqualTo(sent.subList(0, 3));
            applied.forEach(first::ack);
            appliedLater.forEach(first::ack);

            await().atMost(Queues.DEADLINE)
                    .until(() -> Queues.committed(topic, group, 1).get(0) == 3L);
            assertThat(first.counts().commits()).isPositive();
            assertThat(unacknowledged).isNotEmpty();
            // the first consumer dies here without acknowledging offsets 3 to 5; close commits what is complete
        }
        assertThat(Queues.committed(topic, group, 1))
                .as("never past the first change not acknowledged, though 4 after it were")
                .isEqualTo(Map.of(0, 3L));

        try (KafkaChangeQueue next = Queues.member(topic, group).build()) {
            List<Change> again = Queues.changesOf(Queues.take(next, 7));
            assertThat(new HashSet<>(again))
                    .as("the next consumer starts at the first change not acknowledged")
                    .isEqualTo(new HashSet<>(sent.subList(3, 10)));
        }
    }

    @Test
    void anAcknowledgementAfterTheQueueClosedCommitsNothing() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("late-ack"), 1);
        String group = topic + "-group";
        KafkaChangeQueue queue = Queues.member(topic, group).build();
        Queues.send(queue, Queues.changes("late", 5));
        List<Delivery> taken = Queues.take(queue, 5);
        queue.close();
        long acknowledged = queue.counts().acknowledged();

        taken.forEach(queue::ack);

        assertThat(queue.counts().acknowledged())
                .as("the assignment ended with the queue: the acknowledgement changes nothing")
                .isEqualTo(acknowledged);
        assertThat(Queues.committed(topic, group, 1)).isEqualTo(Map.of(0, -1L));
    }
}
