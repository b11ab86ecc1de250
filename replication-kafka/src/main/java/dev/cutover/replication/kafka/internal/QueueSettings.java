package dev.cutover.replication.kafka.internal;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.kafka.KafkaQueueRejection;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The immutable configuration of one queue, as the builder validated it.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param topic the topic
 * @param groupId the consumer group; null for a queue that only sends
 * @param name the repository name of journal entries and the thread names
 * @param producer the producer's properties, complete
 * @param consumer the consumer's properties, complete (unused without a group)
 * @param admin the properties of the admin client the build uses
 * @param maxInFlightBytes the send window
 * @param buffered records fetched ahead of the workers before the consumer pauses
 * @param ackTimeout how long a worker may hold records before they are handed out again
 * @param commitInterval the least time between two offset commits
 * @param closeTimeout how long {@code close} waits for sends, the consumer and the journal
 * @param journal where refused and undelivered changes go; null for none
 * @param onRejected the rejection listener; null for none
 * @param clock the clock of rejection timestamps
 */
public record QueueSettings(
        String bootstrapServers,
        String topic,
        @Nullable String groupId,
        String name,
        Map<String, Object> producer,
        Map<String, Object> consumer,
        Map<String, Object> admin,
        long maxInFlightBytes,
        int buffered,
        Duration ackTimeout,
        Duration commitInterval,
        Duration closeTimeout,
        @Nullable FailedWriteJournal journal,
        @Nullable Consumer<KafkaQueueRejection> onRejected,
        Clock clock) {
    public QueueSettings {
        producer = Map.copyOf(producer);
        consumer = Map.copyOf(consumer);
        admin = Map.copyOf(admin);
    }
}
