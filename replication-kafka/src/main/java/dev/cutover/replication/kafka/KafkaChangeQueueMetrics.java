package dev.cutover.replication.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the counts of a {@link KafkaChangeQueue} to Micrometer (an optional dependency: add
 * {@code io.micrometer:micrometer-core} to use this class).
 *
 * <pre>{@code
 * KafkaChangeQueueMetrics.of(queue).bindTo(meterRegistry);
 * KafkaChangeQueueMetrics.of(queue, Tags.of("migration", "orders")).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (tags {@code queue}: the queue's name, {@code topic})</caption>
 *   <tr><th>name</th><th>kind</th><th>what</th></tr>
 *   <tr><td>cutover.queue.kafka.offers</td><td>counter, tag {@code result}</td><td>offers
 *       {@code accepted}, and {@code refused} for want of room in time</td></tr>
 *   <tr><td>cutover.queue.kafka.sends</td><td>counter, tag {@code result}</td><td>accepted changes
 *       the cluster acknowledged ({@code acknowledged}) or never did ({@code undelivered}, recorded
 *       with their key)</td></tr>
 *   <tr><td>cutover.queue.kafka.deliveries</td><td>counter</td><td>changes handed to workers</td></tr>
 *   <tr><td>cutover.queue.kafka.acknowledged</td><td>counter</td><td>changes acknowledged by
 *       workers</td></tr>
 *   <tr><td>cutover.queue.kafka.redelivered</td><td>counter</td><td>changes handed out again past
 *       the acknowledgement timeout</td></tr>
 *   <tr><td>cutover.queue.kafka.rejected</td><td>counter</td><td>poison records, refused and
 *       recorded with their position</td></tr>
 *   <tr><td>cutover.queue.kafka.released</td><td>counter</td><td>records not acknowledged when
 *       their partition moved; read again by its new owner</td></tr>
 *   <tr><td>cutover.queue.kafka.commits</td><td>counter, tag {@code result}</td><td>offset commits
 *       ({@code ok}, {@code failed})</td></tr>
 *   <tr><td>cutover.queue.kafka.in.flight</td><td>gauge</td><td>accepted changes not acknowledged
 *       by the cluster</td></tr>
 *   <tr><td>cutover.queue.kafka.depth</td><td>gauge</td><td>{@link KafkaChangeQueue#depth()}: lag
 *       plus unacknowledged of the partitions held, -1 when unknown</td></tr>
 *   <tr><td>cutover.queue.kafka.partitions</td><td>gauge</td><td>partitions held</td></tr>
 * </table>
 *
 * @since 0.2.0
 */
public final class KafkaChangeQueueMetrics implements MeterBinder {
    private static final String PREFIX = "cutover.queue.kafka.";
    private final KafkaChangeQueue queue;
    private final Tags tags;

    private KafkaChangeQueueMetrics(KafkaChangeQueue queue, Tags tags) {
        this.queue = queue;
        this.tags = tags;
    }

    /** Metrics of {@code queue}, with extra tags on every meter. */
    public static KafkaChangeQueueMetrics of(KafkaChangeQueue queue, Iterable<Tag> extraTags) {
        Objects.requireNonNull(queue, "queue");
        Tags tags = Tags.of("queue", queue.name(), "topic", queue.topic())
                .and(Objects.requireNonNull(extraTags, "extraTags"));
        return new KafkaChangeQueueMetrics(queue, tags);
    }

    /** Metrics of {@code queue}. */
    public static KafkaChangeQueueMetrics of(KafkaChangeQueue queue) {
        return of(queue, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "offers", "Offers, by result", Tags.of("result", "accepted"), c -> c.accepted());
        counter(registry, "offers", "Offers, by result", Tags.of("result", "refused"), c -> c.refused());
        counter(
                registry,
                "sends",
                "Accepted changes, by what the cluster did",
                Tags.of("result", "acknowledged"),
                c -> c.sent());
        counter(
                registry,
                "sends",
                "Accepted changes, by what the cluster did",
                Tags.of("result", "undelivered"),
                c -> c.undelivered());
        counter(registry, "deliveries", "Changes handed to workers", Tags.empty(), c -> c.delivered());
        counter(registry, "acknowledged", "Changes acknowledged by workers", Tags.empty(), c -> c.acknowledged());
        counter(
                registry,
                "redelivered",
                "Changes handed out again past the ack timeout",
                Tags.empty(),
                c -> c.redelivered());
        counter(registry, "rejected", "Poison records refused and recorded", Tags.empty(), c -> c.poison());
        counter(registry, "released", "Records released when their partition moved", Tags.empty(), c -> c.released());
        counter(registry, "commits", "Offset commits, by result", Tags.of("result", "ok"), c -> c.commits());
        counter(registry, "commits", "Offset commits, by result", Tags.of("result", "failed"), c -> c.commitFailures());
        gauge(
                registry,
                "in.flight",
                "Accepted changes not acknowledged by the cluster",
                q -> q.counts().inFlight());
        gauge(registry, "depth", "Lag plus unacknowledged records of the partitions held", q -> q.depth());
        gauge(registry, "partitions", "Partitions held", q -> q.counts().partitions());
    }

    private void counter(
            MeterRegistry registry,
            String name,
            String description,
            Tags extra,
            ToDoubleFunction<KafkaQueueCounts> count) {
        FunctionCounter.builder(PREFIX + name, queue, q -> count.applyAsDouble(q.counts()))
                .description(description)
                .tags(tags.and(extra))
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<KafkaChangeQueue> f) {
        Gauge.builder(PREFIX + name, queue, f)
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
