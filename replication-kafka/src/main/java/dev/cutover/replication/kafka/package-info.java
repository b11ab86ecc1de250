/**
 * Kafka for Cutover replication: a topic as the {@link dev.cutover.replication.spi.ChangeQueue}
 * between a mirror's observer and its apply workers, shared by several processes through a
 * consumer group, with offsets committed only after the apply.
 *
 * <pre>{@code
 * KafkaChangeQueue queue = KafkaChangeQueue.builder("kafka-1:9092", "orders-changes")
 *     .groupId("orders-mirror")
 *     .journal(failedWrites)
 *     .build();
 * Mirror<OrderEvent> mirror = Mirror.to(newStore).mapping(OrderEvents::toChanges).queue(queue).build();
 * KafkaChangeQueueMetrics.of(queue).bindTo(meterRegistry);
 * }</pre>
 */
@NullMarked
package dev.cutover.replication.kafka;

import org.jspecify.annotations.NullMarked;
