package dev.cutover.flags.metrics;

import dev.cutover.flags.ClientStatistics;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a {@link FlagClient}'s metrics to Micrometer. Evaluations are counted from the moment
 * this binder is bound (a client without metrics does not count them), in lock-free adders
 * published as function counters, so metrics cost an evaluation one uncontended increment (about
 * 5 ns).
 *
 * <pre>{@code
 * FlagClientMetrics.of(flags).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>cutover.flags.evaluations</td><td>counter</td><td>flag, variant, reason, error</td></tr>
 *   <tr><td>cutover.flags.refresh</td><td>timer</td><td>store</td></tr>
 *   <tr><td>cutover.flags.refresh.errors</td><td>counter</td><td>store</td></tr>
 *   <tr><td>cutover.flags.loads</td><td>counter</td><td>store</td></tr>
 *   <tr><td>cutover.flags.rejected</td><td>counter</td><td>store</td></tr>
 *   <tr><td>cutover.flags.snapshot.age</td><td>gauge, seconds</td><td>store</td></tr>
 *   <tr><td>cutover.flags.snapshot.revision</td><td>gauge</td><td>store</td></tr>
 *   <tr><td>cutover.flags.snapshot.flags</td><td>gauge</td><td>store</td></tr>
 *   <tr><td>cutover.flags.store.available</td><td>gauge, 1 or 0</td><td>store</td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class FlagClientMetrics implements MeterBinder {
    private final FlagClient client;
    private final ClientStatistics stats;
    private final Tags tags;

    private FlagClientMetrics(FlagClient client, Iterable<Tag> extraTags) {
        this.client = client;
        this.stats = client.statistics();
        this.tags = Tags.of("store", stats.storeName()).and(extraTags);
    }

    /** Metrics for a client, read through its {@link FlagClient#statistics()}. */
    public static FlagClientMetrics of(FlagClient client) {
        return of(client, Tags.empty());
    }

    /** Metrics for a client, with extra tags on every meter. */
    public static FlagClientMetrics of(FlagClient client, Iterable<Tag> extraTags) {
        Objects.requireNonNull(client, "client");
        return new FlagClientMetrics(client, Objects.requireNonNull(extraTags, "extraTags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        stats.countEvaluations();
        FunctionTimer.builder(
                        "cutover.flags.refresh",
                        stats,
                        ClientStatistics::refreshes,
                        ClientStatistics::refreshNanos,
                        TimeUnit.NANOSECONDS)
                .description("Refresh cycles: head check, plus a load when the revision moved")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("cutover.flags.refresh.errors", stats, ClientStatistics::refreshErrors)
                .description("Refresh cycles that failed after retries")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("cutover.flags.loads", stats, ClientStatistics::loads)
                .description("Full loads of the flag set")
                .tags(tags)
                .register(registry);
        FunctionCounter.builder("cutover.flags.rejected", stats, ClientStatistics::rejectedFlags)
                .description("Flag documents rejected by validation")
                .tags(tags)
                .register(registry);
        Gauge.builder(
                        "cutover.flags.snapshot.age",
                        client,
                        c -> c.status().snapshotAge().toMillis() / 1000.0)
                .description("Seconds since the store last confirmed the snapshot")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.flags.snapshot.revision", client, c -> c.status().revision())
                .description("Revision of the snapshot being served")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.flags.snapshot.flags", client, c -> c.status().flagCount())
                .description("Flags in the snapshot being served")
                .tags(tags)
                .register(registry);
        Gauge.builder(
                        "cutover.flags.store.available",
                        client,
                        c -> c.status().lastError() == null && c.status().state() != ClientStatus.State.FAILED ? 1 : 0)
                .description("1 when the last store call succeeded")
                .tags(tags)
                .register(registry);
        // each counter object is unique per series and lives as long as the client: a set of them
        // tells which are registered, and the function counters may hold them (Micrometer holds weakly)
        Set<ClientStatistics.EvaluationCounter> registered = ConcurrentHashMap.newKeySet();
        Runnable sync = () -> registerEvaluationCounters(registry, registered);
        sync.run();
        client.onStatus(status -> sync.run());
        client.onAnyChange(e -> sync.run());
    }

    private void registerEvaluationCounters(
            MeterRegistry registry, Set<ClientStatistics.EvaluationCounter> registered) {
        stats.forEachEvaluationCounter(counter -> {
            if (registered.add(counter)) {
                FunctionCounter.builder("cutover.flags.evaluations", counter, ClientStatistics.EvaluationCounter::count)
                        .description("Flag evaluations by flag, variant, reason and error")
                        .tags(tags)
                        .tag("flag", counter.flag())
                        .tag("variant", counter.variant())
                        .tag("reason", counter.reason().name())
                        .tag("error", counter.errorCode())
                        .register(registry);
            }
        });
    }
}
