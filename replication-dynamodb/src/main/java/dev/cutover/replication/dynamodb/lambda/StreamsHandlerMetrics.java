package dev.cutover.replication.dynamodb.lambda;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Publishes the counts of a {@link DynamoDbStreamsHandler} to Micrometer (an optional dependency:
 * add {@code io.micrometer:micrometer-core} to use this class). Bind it once, in the handler's
 * constructor, to the registry the function reports through.
 *
 * <pre>{@code
 * StreamsHandlerMetrics.of(this, Tags.of("migration", "orders")).bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Counters (tag {@code source}: the handler's name)</caption>
 *   <tr><th>name</th><th>counts</th></tr>
 *   <tr><td>cutover.replication.dynamodb.lambda.records</td><td>stream records received,
 *       redelivered ones again</td></tr>
 *   <tr><td>cutover.replication.dynamodb.lambda.changes{outcome=applied|duplicate|superseded}</td>
 *       <td>what the target did with each change</td></tr>
 *   <tr><td>cutover.replication.dynamodb.lambda.failed</td><td>batches that reported a failed
 *       record to Lambda, which delivers it and the records after it again</td></tr>
 *   <tr><td>cutover.replication.dynamodb.lambda.refused</td><td>records that can never be applied:
 *       logged, journaled, not retried; each needs a repair</td></tr>
 * </table>
 *
 * @since 0.2.0
 */
public final class StreamsHandlerMetrics implements MeterBinder {
    private static final String PREFIX = "cutover.replication.dynamodb.lambda.";

    private final DynamoDbStreamsHandler handler;
    private final Tags tags;

    private StreamsHandlerMetrics(DynamoDbStreamsHandler handler, Tags tags) {
        this.handler = handler;
        this.tags = tags;
    }

    /** Metrics of {@code handler}, with extra tags on every meter. */
    public static StreamsHandlerMetrics of(DynamoDbStreamsHandler handler, Iterable<Tag> extraTags) {
        Objects.requireNonNull(handler, "handler");
        return new StreamsHandlerMetrics(
                handler, Tags.of("source", handler.name()).and(Objects.requireNonNull(extraTags, "extraTags")));
    }

    /** Metrics of {@code handler}. */
    public static StreamsHandlerMetrics of(DynamoDbStreamsHandler handler) {
        return of(handler, Tags.empty());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "records", "Stream records received", Tags.empty(), StreamsHandlerCounts::records);
        String changes = "Changes by what the target did with them";
        counter(registry, "changes", changes, Tags.of("outcome", "applied"), StreamsHandlerCounts::applied);
        counter(registry, "changes", changes, Tags.of("outcome", "duplicate"), StreamsHandlerCounts::duplicate);
        counter(registry, "changes", changes, Tags.of("outcome", "superseded"), StreamsHandlerCounts::superseded);
        counter(
                registry,
                "failed",
                "Batches that reported a failed record",
                Tags.empty(),
                StreamsHandlerCounts::failed);
        counter(registry, "refused", "Records refused and journaled", Tags.empty(), StreamsHandlerCounts::refused);
    }

    private void counter(
            MeterRegistry registry,
            String name,
            String description,
            Tags more,
            ToLongFunction<StreamsHandlerCounts> count) {
        FunctionCounter.builder(PREFIX + name, handler, h -> count.applyAsLong(h.counts()))
                .description(description)
                .tags(tags.and(more))
                .register(registry);
    }
}
