package dev.cutover.replication.kafka;

/**
 * What a {@link KafkaChangeQueue} did so far, in this process.
 *
 * <pre>{@code
 * KafkaQueueCounts c = queue.counts();
 * if (c.undelivered() > 0 || c.poison() > 0) { ... see the journal ... }
 * }</pre>
 *
 * @param accepted offers that returned true
 * @param refused offers that returned false: no room among the sends in flight within their wait
 * @param sent accepted changes the cluster acknowledged
 * @param undelivered accepted changes the cluster never acknowledged, recorded with their key
 * @param inFlight accepted changes not acknowledged by the cluster yet
 * @param delivered changes handed to workers by {@code poll}, again-deliveries included
 * @param acknowledged fetched changes acknowledged by a worker
 * @param redelivered changes handed out again because a worker held them past the acknowledgement
 *     timeout
 * @param poison records on the topic that are not changes, refused and recorded with their position
 * @param released fetched records not acknowledged when their partition was revoked or lost; its
 *     next owner reads them again
 * @param commits offset commits that succeeded
 * @param commitFailures offset commits that failed (the next commit tries again)
 * @param partitions partitions assigned to this consumer now
 * @since 0.2.0
 */
public record KafkaQueueCounts(
        long accepted,
        long refused,
        long sent,
        long undelivered,
        long inFlight,
        long delivered,
        long acknowledged,
        long redelivered,
        long poison,
        long released,
        long commits,
        long commitFailures,
        int partitions) {}
