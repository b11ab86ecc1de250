package dev.cutover.replication.metrics;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCounts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a backfill's progress to Micrometer. Micrometer is an optional dependency: no
 * Micrometer class is loaded unless this class is used. The meters read the backfill's own
 * counters when scraped; binding costs the backfill nothing per row.
 *
 * <pre>{@code
 * BackfillMetrics.of(backfill).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (every meter also has the tag backfill, the backfill's name)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>cutover.backfill.rows</td><td>counter</td><td>outcome (read, applied, superseded, duplicate,
 *       rejected, collision)</td></tr>
 *   <tr><td>cutover.backfill.segments.copied</td><td>counter</td><td></td></tr>
 *   <tr><td>cutover.backfill.leases.lost</td><td>counter</td><td></td></tr>
 *   <tr><td>cutover.backfill.segments.done</td><td>gauge</td><td>done by any process, as last seen</td></tr>
 *   <tr><td>cutover.backfill.segments.total</td><td>gauge</td><td></td></tr>
 *   <tr><td>cutover.backfill.rate</td><td>gauge, rows per second</td><td></td></tr>
 *   <tr><td>cutover.backfill.eta</td><td>gauge, seconds (NaN when unknown)</td><td></td></tr>
 *   <tr><td>cutover.backfill.running</td><td>gauge, 1 or 0</td><td></td></tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class BackfillMetrics implements MeterBinder {
    private final Backfill backfill;
    private final Tags tags;

    private BackfillMetrics(Backfill backfill, Iterable<Tag> extraTags) {
        this.backfill = backfill;
        this.tags = Tags.of("backfill", backfill.name()).and(extraTags);
    }

    /** Metrics for {@code backfill}. */
    public static BackfillMetrics of(Backfill backfill) {
        return of(backfill, Tags.empty());
    }

    /** Metrics for {@code backfill}, with extra tags on every meter. */
    public static BackfillMetrics of(Backfill backfill, Iterable<Tag> extraTags) {
        Objects.requireNonNull(backfill, "backfill");
        return new BackfillMetrics(backfill, Objects.requireNonNull(extraTags, "extraTags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        rows(registry, "read", BackfillCounts::read);
        rows(registry, "applied", BackfillCounts::applied);
        rows(registry, "superseded", BackfillCounts::superseded);
        rows(registry, "duplicate", BackfillCounts::duplicate);
        rows(registry, "rejected", BackfillCounts::rejected);
        rows(registry, "collision", BackfillCounts::collisions);
        counter(registry, "cutover.backfill.segments.copied", Tags.empty(), BackfillCounts::segmentsCopied);
        counter(registry, "cutover.backfill.leases.lost", Tags.empty(), BackfillCounts::leasesLost);
        gauge(registry, "cutover.backfill.segments.done", b -> b.progress().segmentsDone());
        gauge(registry, "cutover.backfill.segments.total", b -> b.progress().segmentsTotal());
        gauge(registry, "cutover.backfill.rate", b -> b.progress().rowsPerSecond());
        gauge(registry, "cutover.backfill.eta", b -> {
            Duration eta = b.progress().eta();
            return eta == null ? Double.NaN : eta.toMillis() / 1000.0;
        });
        gauge(registry, "cutover.backfill.running", b -> b.running() ? 1 : 0);
    }

    private void rows(MeterRegistry registry, String outcome, ToDoubleFunction<BackfillCounts> count) {
        counter(registry, "cutover.backfill.rows", Tags.of("outcome", outcome), count);
    }

    private void counter(MeterRegistry registry, String name, Tags extra, ToDoubleFunction<BackfillCounts> count) {
        FunctionCounter.builder(name, backfill, b -> count.applyAsDouble(b.totals()))
                .tags(tags.and(extra))
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, ToDoubleFunction<Backfill> value) {
        Gauge.builder(name, backfill, value).tags(tags).strongReference(true).register(registry);
    }
}
