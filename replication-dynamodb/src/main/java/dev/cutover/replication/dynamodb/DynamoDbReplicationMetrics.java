package dev.cutover.replication.dynamodb;

import dev.cutover.replication.dynamodb.internal.Throttling;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the counts of a {@link DynamoDbVersionedTarget}, a {@link DynamoDbScanSource} or a
 * {@link DynamoDbStreamReader} to Micrometer (an optional dependency: add {@code
 * io.micrometer:micrometer-core} to use this class).
 *
 * <pre>{@code
 * DynamoDbReplicationMetrics.of(target).bindTo(meterRegistry);
 * DynamoDbReplicationMetrics.of(reader, Tags.of("migration", "orders")).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (all counters but the gauge; tag {@code source} names the table or consumer)</caption>
 *   <tr><th>name</th><th>of</th><th>counts</th></tr>
 *   <tr><td>cutover.replication.dynamodb.throttled</td><td>target, scan</td><td>requests refused
 *       for capacity after the SDK's retries; each was retried while attempts remained</td></tr>
 *   <tr><td>cutover.replication.dynamodb.throttle.exhausted</td><td>target, scan</td><td>requests
 *       still refused after every attempt (the call failed)</td></tr>
 *   <tr><td>cutover.replication.dynamodb.rejected</td><td>scan, reader</td><td>items or records
 *       that could not become a change, logged and left out</td></tr>
 *   <tr><td>cutover.replication.dynamodb.stream.records</td><td>reader</td><td>records read and
 *       checkpointed</td></tr>
 *   <tr><td>cutover.replication.dynamodb.stream.handler.failures</td><td>reader</td><td>handler
 *       calls that threw; their changes came again</td></tr>
 *   <tr><td>cutover.replication.dynamodb.stream.trimmed</td><td>reader</td><td>shards whose
 *       checkpoint fell out of the stream's retention: records were lost</td></tr>
 *   <tr><td>cutover.replication.dynamodb.stream.errors</td><td>reader</td><td>failed rounds</td></tr>
 *   <tr><td>cutover.replication.dynamodb.stream.shards</td><td>reader</td><td>gauge: shards
 *       held</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class DynamoDbReplicationMetrics implements MeterBinder {
    private static final String PREFIX = "cutover.replication.dynamodb.";
    private final List<Consumer<MeterRegistry>> meters = new ArrayList<>();

    private DynamoDbReplicationMetrics() {}

    /** Metrics of a target, with extra tags on every meter. */
    public static DynamoDbReplicationMetrics of(DynamoDbVersionedTarget target, Iterable<Tag> extraTags) {
        Tags tags = Tags.of("source", target.describe()).and(Objects.requireNonNull(extraTags, "extraTags"));
        return new DynamoDbReplicationMetrics().throttling(target.throttling(), tags);
    }

    /** Metrics of a target. */
    public static DynamoDbReplicationMetrics of(DynamoDbVersionedTarget target) {
        return of(target, Tags.empty());
    }

    /** Metrics of a scan source, with extra tags on every meter. */
    public static DynamoDbReplicationMetrics of(DynamoDbScanSource source, Iterable<Tag> extraTags) {
        Tags tags = Tags.of("source", source.describe()).and(Objects.requireNonNull(extraTags, "extraTags"));
        return new DynamoDbReplicationMetrics()
                .throttling(source.throttling(), tags)
                .counter(
                        "rejected", "Items that could not become a change", source, DynamoDbScanSource::rejected, tags);
    }

    /** Metrics of a scan source. */
    public static DynamoDbReplicationMetrics of(DynamoDbScanSource source) {
        return of(source, Tags.empty());
    }

    /** Metrics of a stream reader, with extra tags on every meter. */
    public static DynamoDbReplicationMetrics of(DynamoDbStreamReader reader, Iterable<Tag> extraTags) {
        Tags tags = Tags.of("source", "stream").and(Objects.requireNonNull(extraTags, "extraTags"));
        DynamoDbReplicationMetrics m = new DynamoDbReplicationMetrics()
                .counter(
                        "rejected",
                        "Records that could not become a change",
                        reader,
                        r -> r.counts().rejected(),
                        tags)
                .counter(
                        "stream.records",
                        "Records read and checkpointed",
                        reader,
                        r -> r.counts().records(),
                        tags)
                .counter(
                        "stream.handler.failures",
                        "Handler calls that threw",
                        reader,
                        r -> r.counts().handlerFailures(),
                        tags)
                .counter(
                        "stream.trimmed",
                        "Shards whose checkpoint fell out of retention",
                        reader,
                        r -> r.counts().trimmed(),
                        tags)
                .counter(
                        "stream.errors",
                        "Failed rounds",
                        reader,
                        r -> r.counts().errors(),
                        tags);
        m.meters.add(registry -> Gauge.builder(
                        PREFIX + "stream.shards", reader, r -> r.counts().shardsHeld())
                .description("Shards held")
                .tags(tags)
                .register(registry));
        return m;
    }

    /** Metrics of a stream reader. */
    public static DynamoDbReplicationMetrics of(DynamoDbStreamReader reader) {
        return of(reader, Tags.empty());
    }

    private DynamoDbReplicationMetrics throttling(Throttling t, Tags tags) {
        return counter("throttled", "Requests refused for capacity", t, Throttling::throttled, tags)
                .counter(
                        "throttle.exhausted",
                        "Requests refused for capacity on every attempt",
                        t,
                        Throttling::exhausted,
                        tags);
    }

    private <T> DynamoDbReplicationMetrics counter(
            String name, String description, T of, ToDoubleFunction<T> count, Tags tags) {
        meters.add(registry -> FunctionCounter.builder(PREFIX + name, of, count)
                .description(description)
                .tags(tags)
                .register(registry));
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meters.forEach(m -> m.accept(registry));
    }
}
