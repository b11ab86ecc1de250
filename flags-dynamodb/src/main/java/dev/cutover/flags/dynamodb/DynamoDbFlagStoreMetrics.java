package dev.cutover.flags.dynamodb;

import dev.cutover.flags.dynamodb.internal.WriteRetry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Publishes a {@link DynamoDbFlagStore}'s throttling and write-retry counts to Micrometer
 * (an optional dependency: add {@code io.micrometer:micrometer-core} to use this class). The
 * client's own meters ({@code FlagClientMetrics}) cover refreshes and staleness.
 *
 * <pre>{@code
 * DynamoDbFlagStoreMetrics.of(store).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>cutover.flags.dynamodb.throttled</td><td>counter</td><td>store, operation (read,
 *       write)</td><td>requests DynamoDB refused for capacity, after the SDK's own retries; the
 *       heartbeat table's requests included</td></tr>
 *   <tr><td>cutover.flags.dynamodb.write.retries</td><td>counter</td><td>store, cause (throttled,
 *       transaction_conflict, head_moved)</td><td>write attempts retried</td></tr>
 *   <tr><td>cutover.flags.dynamodb.write.failures</td><td>counter</td><td>store</td><td>writes
 *       that failed every attempt</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class DynamoDbFlagStoreMetrics implements MeterBinder {
    private final WriteRetry counts;
    private final Tags tags;

    private DynamoDbFlagStoreMetrics(DynamoDbFlagStore store, Iterable<Tag> extraTags) {
        this.counts = store.retries();
        this.tags = Tags.of("store", store.describe()).and(extraTags);
    }

    /** Metrics for {@code store}. */
    public static DynamoDbFlagStoreMetrics of(DynamoDbFlagStore store) {
        return of(store, Tags.empty());
    }

    /** Metrics for {@code store}, with extra tags on every meter. */
    public static DynamoDbFlagStoreMetrics of(DynamoDbFlagStore store, Iterable<Tag> extraTags) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(extraTags, "extraTags");
        return new DynamoDbFlagStoreMetrics(store, extraTags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("cutover.flags.dynamodb.throttled", counts, WriteRetry::throttledReads)
                .description("Reads DynamoDB refused for capacity, after the SDK's own retries")
                .tags(tags.and("operation", "read"))
                .register(registry);
        FunctionCounter.builder("cutover.flags.dynamodb.throttled", counts, WriteRetry::throttledWrites)
                .description("Write requests DynamoDB refused for capacity, after the SDK's own retries")
                .tags(tags.and("operation", "write"))
                .register(registry);
        for (WriteRetry.Cause cause : WriteRetry.Cause.values()) {
            FunctionCounter.builder("cutover.flags.dynamodb.write.retries", counts, c -> c.retries(cause))
                    .description("Write attempts retried, by cause")
                    .tags(tags.and("cause", cause.tag()))
                    .register(registry);
        }
        FunctionCounter.builder("cutover.flags.dynamodb.write.failures", counts, WriteRetry::failures)
                .description("Writes that failed every attempt")
                .tags(tags)
                .register(registry);
    }
}
