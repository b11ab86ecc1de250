package dev.cutover.replication.metrics;

import dev.cutover.replication.Mirror;
import dev.cutover.replication.internal.mirror.MirrorAccess;
import dev.cutover.replication.internal.mirror.MirrorCounters;
import dev.cutover.replication.internal.mirror.MirrorEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link Mirror}'s counters to Micrometer. Micrometer is an optional dependency: no
 * Micrometer class is loaded unless this class is used. Counters report everything since the
 * mirror was built; the latency timer records batches applied after binding.
 *
 * <pre>{@code
 * MirrorMetrics.of(mirror).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (every meter has the tag mirror, the mirror's name)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>cutover.mirror.events</td><td>function counter</td><td>outcome (observed, skipped, unmapped)</td></tr>
 *   <tr><td>cutover.mirror.changes</td><td>function counter</td><td>outcome (mirrored, applied, superseded,
 *       duplicate, dropped, failed)</td></tr>
 *   <tr><td>cutover.mirror.pending</td><td>gauge</td><td></td></tr>
 *   <tr><td>cutover.mirror.queue.depth</td><td>gauge (-1: the queue cannot tell)</td><td></td></tr>
 *   <tr><td>cutover.mirror.apply.latency</td><td>timer, one sample per applied batch</td><td></td></tr>
 * </table>
 *
 * <p>Skipped events are those the gate flag kept out; dropped changes never reached the queue
 * (full, failing, or closed); failed ones reached it but were not applied. Alert on dropped and
 * failed: their keys are in the failure listener and the journal.
 *
 * @since 0.1.0
 */
public final class MirrorMetrics implements MeterBinder {
    private final MirrorEngine<?> engine;
    private final Tags tags;

    private MirrorMetrics(MirrorEngine<?> engine, Iterable<Tag> extraTags) {
        this.engine = engine;
        this.tags = Tags.of("mirror", engine.name()).and(extraTags);
    }

    /** Metrics for {@code mirror}. */
    public static MirrorMetrics of(Mirror<?> mirror) {
        return of(mirror, Tags.empty());
    }

    /** Metrics for {@code mirror}, with extra tags on every meter. */
    public static MirrorMetrics of(Mirror<?> mirror, Iterable<Tag> extraTags) {
        return new MirrorMetrics(MirrorAccess.engine(mirror), Objects.requireNonNull(extraTags, "extraTags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        MirrorCounters c = engine.counters();
        counter(
                registry,
                "cutover.mirror.events",
                "observed",
                c,
                MirrorCounters::observed,
                "events seen by the observer");
        counter(registry, "cutover.mirror.events", "skipped", c, MirrorCounters::skipped, "events the gate kept out");
        counter(
                registry,
                "cutover.mirror.events",
                "unmapped",
                c,
                MirrorCounters::unmapped,
                "events the mapping threw on");
        counter(registry, "cutover.mirror.changes", "mirrored", c, MirrorCounters::mirrored, "changes queued");
        counter(registry, "cutover.mirror.changes", "applied", c, MirrorCounters::applied, "changes written");
        counter(
                registry,
                "cutover.mirror.changes",
                "superseded",
                c,
                MirrorCounters::superseded,
                "changes older than stored");
        counter(
                registry,
                "cutover.mirror.changes",
                "duplicate",
                c,
                MirrorCounters::duplicate,
                "changes already stored");
        counter(registry, "cutover.mirror.changes", "dropped", c, MirrorCounters::dropped, "changes never queued");
        counter(registry, "cutover.mirror.changes", "failed", c, MirrorCounters::failed, "changes queued, not applied");
        Gauge.builder("cutover.mirror.pending", c, MirrorCounters::pending)
                .description("changes queued and not yet settled")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.mirror.queue.depth", engine, MirrorEngine::queueDepth)
                .description("changes waiting in the queue")
                .tags(tags)
                .register(registry);
        Timer latency = Timer.builder("cutover.mirror.apply.latency")
                .description("time to apply one batch, retries included")
                .tags(tags)
                .register(registry);
        c.addLatencySink(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
    }

    private void counter(
            MeterRegistry registry,
            String name,
            String outcome,
            MirrorCounters counters,
            ToDoubleFunction<MirrorCounters> value,
            String description) {
        FunctionCounter.builder(name, counters, value)
                .description(description)
                .tags(tags)
                .tag("outcome", outcome)
                .register(registry);
    }
}
