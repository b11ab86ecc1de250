package dev.cutover.replication.sqs;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Publishes the counts of an {@link SqsChangeQueue} to Micrometer (an optional dependency: add
 * {@code io.micrometer:micrometer-core} to use this class).
 *
 * <pre>{@code
 * SqsChangeQueueMetrics.of(queue).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (tag {@code queue}: the queue's name)</caption>
 *   <tr><th>name</th><th>type</th><th>counts</th></tr>
 *   <tr><td>cutover.replication.sqs.sent</td><td>counter</td><td>changes SQS accepted</td></tr>
 *   <tr><td>cutover.replication.sqs.send.failed</td><td>counter</td><td>accepted changes not sent,
 *       each recorded with its key</td></tr>
 *   <tr><td>cutover.replication.sqs.received</td><td>counter</td><td>messages received</td></tr>
 *   <tr><td>cutover.replication.sqs.redelivered</td><td>counter</td><td>messages received again</td></tr>
 *   <tr><td>cutover.replication.sqs.acked</td><td>counter</td><td>messages deleted after the
 *       apply</td></tr>
 *   <tr><td>cutover.replication.sqs.dead.lettered</td><td>counter</td><td>messages moved to the
 *       dead-letter queue</td></tr>
 *   <tr><td>cutover.replication.sqs.rejected</td><td>counter</td><td>receives of messages that are
 *       not changes</td></tr>
 *   <tr><td>cutover.replication.sqs.buffered</td><td>gauge</td><td>accepted changes not yet
 *       sent</td></tr>
 *   <tr><td>cutover.replication.sqs.depth</td><td>gauge</td><td>{@link SqsChangeQueue#depth()}</td></tr>
 * </table>
 *
 * @since 0.2.0
 */
public final class SqsChangeQueueMetrics implements MeterBinder {
    private static final String PREFIX = "cutover.replication.sqs.";

    private final SqsChangeQueue queue;
    private final Tags tags;

    private SqsChangeQueueMetrics(SqsChangeQueue queue, Tags tags) {
        this.queue = queue;
        this.tags = tags;
    }

    /** Metrics of {@code queue}. */
    public static SqsChangeQueueMetrics of(SqsChangeQueue queue) {
        return of(queue, Tags.empty());
    }

    /** Metrics of {@code queue}, with extra tags on every meter. */
    public static SqsChangeQueueMetrics of(SqsChangeQueue queue, Iterable<Tag> extraTags) {
        Objects.requireNonNull(queue, "queue");
        return new SqsChangeQueueMetrics(
                queue, Tags.of("queue", queue.name()).and(Objects.requireNonNull(extraTags, "extraTags")));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "sent", "changes SQS accepted", SqsQueueCounts::sent);
        counter(
                registry,
                "send.failed",
                "accepted changes not sent, recorded with their keys",
                SqsQueueCounts::sendFailed);
        counter(registry, "received", "messages received", SqsQueueCounts::received);
        counter(registry, "redelivered", "messages received again", SqsQueueCounts::redelivered);
        counter(registry, "acked", "messages deleted after the apply", SqsQueueCounts::acked);
        counter(registry, "dead.lettered", "messages moved to the dead-letter queue", SqsQueueCounts::deadLettered);
        counter(registry, "rejected", "receives of messages that are not changes", SqsQueueCounts::rejected);
        Gauge.builder(PREFIX + "buffered", queue, q -> q.counts().buffered())
                .description("accepted changes not yet sent")
                .tags(tags)
                .register(registry);
        Gauge.builder(PREFIX + "depth", queue, SqsChangeQueue::depth)
                .description("messages in SQS plus changes not yet sent; -1 when SQS cannot tell")
                .tags(tags)
                .register(registry);
    }

    private void counter(
            MeterRegistry registry, String name, String description, ToLongFunction<SqsQueueCounts> count) {
        FunctionCounter.builder(PREFIX + name, queue, q -> count.applyAsLong(q.counts()))
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
