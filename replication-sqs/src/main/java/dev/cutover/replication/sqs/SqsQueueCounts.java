package dev.cutover.replication.sqs;

/**
 * What an {@link SqsChangeQueue} has done since it was built, in this process: each counter read
 * once, not all at one instant.
 *
 * <pre>{@code
 * SqsQueueCounts c = queue.counts();
 * log.info("sent {}, received {} ({} again), acked {}", c.sent(), c.received(), c.redelivered(), c.acked());
 * }</pre>
 *
 * @param sent changes SQS accepted from this process
 * @param sendFailed accepted changes that could not be sent (refused, or every attempt failed, or
 *     still unsent at close): each recorded with its key
 * @param received messages received, changes or not, redeliveries included
 * @param redelivered received messages that SQS had delivered before ({@code ApproximateReceiveCount}
 *     above 1)
 * @param acked messages deleted after their changes were applied or recorded
 * @param deadLettered messages moved to the dead-letter queue (not changes, or received too often)
 * @param rejected receives of messages that are not changes
 * @param buffered accepted changes not yet confirmed by SQS (waiting, being sent, or waiting to be
 *     sent again)
 * @since 0.2.0
 */
public record SqsQueueCounts(
        long sent,
        long sendFailed,
        long received,
        long redelivered,
        long acked,
        long deadLettered,
        long rejected,
        long buffered) {}
