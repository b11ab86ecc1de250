package dev.cutover.replication.kafka;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A record the {@link KafkaChangeQueue} refused, or a change it accepted and could not deliver:
 * handed to the queue's {@linkplain KafkaChangeQueue.Builder#onRejected rejection listener},
 * logged, counted, and appended to its {@linkplain KafkaChangeQueue.Builder#journal journal} when it
 * has one.
 *
 * <pre>{@code
 * KafkaChangeQueue.builder(servers, "orders-changes")
 *     .onRejected(r -> log.warn("not applied: {}", r))   // POISON at orders-changes-3@1207: ...
 *     ...
 * }</pre>
 *
 * @param kind what happened
 * @param topic the queue's topic
 * @param partition the record's partition; -1 for an undelivered change, which never got one
 * @param offset the record's offset; -1 for an undelivered change
 * @param key the change key when there is one (a poison record's key when it is UTF-8 text), else
 *     null
 * @param reason why, never quoting the record's data
 * @param at when it was recorded
 * @since 0.2.0
 */
public record KafkaQueueRejection(
        Kind kind,
        String topic,
        int partition,
        long offset,
        @Nullable String key,
        String reason,
        Instant at) {

    /**
     * What the queue could not pass on.
     *
     * @since 0.2.0
     */
    public enum Kind {
        /**
         * A record on the topic that is not a change (not JSON, a field missing or of the wrong
         * type, an unknown kind): refused alone, and its offset counted as acknowledged so that it
         * never blocks its partition.
         */
        POISON,
        /**
         * A change whose {@code offer} returned true but that the cluster never acknowledged (it
         * stayed unreachable past the producer's {@code delivery.timeout.ms}, or refused the
         * record): its key may differ between the stores until a repair.
         */
        UNDELIVERED
    }

    public KafkaQueueRejection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }

    /** {@code topic-partition@offset}, or the topic alone for an undelivered change. */
    public String position() {
        return partition < 0 ? topic : topic + "-" + partition + "@" + offset;
    }

    /** Names kind, position, key and reason. */
    @Override
    public String toString() {
        return kind + " at " + position() + (key == null ? "" : " (key '" + key + "')") + ": " + reason;
    }
}
