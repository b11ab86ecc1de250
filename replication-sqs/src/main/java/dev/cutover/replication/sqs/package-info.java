/**
 * Amazon SQS as the change queue of a Cutover mirror: {@link
 * dev.cutover.replication.sqs.SqsChangeQueue} carries the observer's changes to apply workers in
 * any number of processes, acknowledged only after the versioned apply, with a dead-letter path
 * that journals the key; {@link dev.cutover.replication.sqs.SqsChangeQueueMetrics} publishes its
 * counts to Micrometer.
 *
 * <pre>{@code
 * SqsChangeQueue queue = SqsChangeQueue.builder(sqsAsyncClient, queueUrl)
 *     .deadLetterQueue(deadLettersUrl)
 *     .journal(failedWrites)
 *     .build();
 * Mirror<OrderEvent> mirror = Mirror.to(newStore).mapping(OrderEvents::toChanges).queue(queue).build();
 * }</pre>
 */
@NullMarked
package dev.cutover.replication.sqs;

import org.jspecify.annotations.NullMarked;
