package dev.cutover.replication.postgres;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link PostgresChangeCapture}'s counts to Micrometer (an optional dependency: add
 * {@code io.micrometer:micrometer-core} to use this class).
 *
 * <pre>{@code
 * PostgresCaptureMetrics.of(capture).bindTo(meterRegistry);
 * PostgresCaptureMetrics.of(capture, Tags.of("migration", "orders")).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (tag {@code capture} names the capture)</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>cutover.capture.changes</td><td>counter, tag {@code outcome}</td><td>{@code
 *       captured}: row changes read from the log; {@code applied}, {@code superseded}, {@code
 *       duplicate}: the target's answers</td></tr>
 *   <tr><td>cutover.capture.apply.failures</td><td>counter</td><td>applies that threw and were
 *       retried</td></tr>
 *   <tr><td>cutover.capture.truncates</td><td>counter</td><td>{@code TRUNCATE}s seen and not
 *       mirrored</td></tr>
 *   <tr><td>cutover.capture.offsets.saved</td><td>counter</td><td>offsets written to the
 *       checkpoint store</td></tr>
 *   <tr><td>cutover.capture.lag</td><td>gauge, seconds</td><td>now minus the commit time of the
 *       last change applied (0 before the first); grows while the capture is behind or the
 *       captured tables are quiet</td></tr>
 *   <tr><td>cutover.capture.running</td><td>gauge</td><td>1 while streaming, 0 when closed or
 *       stopped by a failure</td></tr>
 * </table>
 *
 * @since 0.2.0
 */
public final class PostgresCaptureMetrics implements MeterBinder {
    private final PostgresChangeCapture capture;
    private final Tags tags;
    private final Clock clock;

    private PostgresCaptureMetrics(PostgresChangeCapture capture, Tags tags, Clock clock) {
        this.capture = capture;
        this.tags = tags;
        this.clock = clock;
    }

    /** Metrics of {@code capture}. */
    public static PostgresCaptureMetrics of(PostgresChangeCapture capture) {
        return of(capture, Tags.empty());
    }

    /** Metrics of {@code capture}, with extra tags on every meter. */
    public static PostgresCaptureMetrics of(PostgresChangeCapture capture, Iterable<Tag> extraTags) {
        Objects.requireNonNull(capture, "capture");
        Tags tags = Tags.of("capture", capture.name()).and(Objects.requireNonNull(extraTags, "extraTags"));
        return new PostgresCaptureMetrics(capture, tags, Clock.systemUTC());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        changes(registry, "captured", c -> c.counts().captured());
        changes(registry, "applied", c -> c.counts().applied());
        changes(registry, "superseded", c -> c.counts().superseded());
        changes(registry, "duplicate", c -> c.counts().duplicate());
        counter(
                registry,
                "cutover.capture.apply.failures",
                "Applies that threw and were retried",
                c -> c.counts().applyFailures());
        counter(
                registry,
                "cutover.capture.truncates",
                "TRUNCATEs seen and not mirrored",
                c -> c.counts().truncates());
        counter(
                registry,
                "cutover.capture.offsets.saved",
                "Offsets written to the checkpoint store",
                c -> c.counts().offsetsSaved());
        Gauge.builder("cutover.capture.lag", capture, this::lagSeconds)
                .description("Now minus the commit time of the last change applied")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.capture.running", capture, c -> c.isRunning() ? 1 : 0)
                .description("1 while the capture streams")
                .tags(tags)
                .register(registry);
    }

    private double lagSeconds(PostgresChangeCapture c) {
        Instant last = c.counts().lastCommitTime();
        if (last == null) {
            return 0;
        }
        return Math.max(0, Duration.between(last, clock.instant()).toMillis() / 1_000.0);
    }

    private void changes(MeterRegistry registry, String outcome, ToDoubleFunction<PostgresChangeCapture> count) {
        FunctionCounter.builder("cutover.capture.changes", capture, count)
                .description("Row changes captured, and the target's answers")
                .tags(tags.and("outcome", outcome))
                .register(registry);
    }

    private void counter(
            MeterRegistry registry, String name, String description, ToDoubleFunction<PostgresChangeCapture> count) {
        FunctionCounter.builder(name, capture, count)
                .description(description)
                .tags(tags)
                .register(registry);
    }
}
