package dev.cutover.dualwrite;

import dev.cutover.dualwrite.internal.DualWriteHandler;
import dev.cutover.dualwrite.internal.MetricsSink;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Publishes a dual-write proxy's metrics to Micrometer. Micrometer is an optional dependency: no
 * Micrometer class is loaded unless this class is used. Calls are counted from the moment metrics
 * are bound; a proxy without metrics does not even read the clock in the stages without shadow
 * work. Meters are registered on first use, so only methods and outcomes that occur show up.
 *
 * <pre>{@code
 * DualWriteMetrics.of(orders).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters (every meter also has the tag repository)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>cutover.dualwrite.calls</td><td>counter</td><td>method, stage, side (authoritative)</td></tr>
 *   <tr><td>cutover.dualwrite.latency</td><td>timer</td><td>method, side (old, new), role (authoritative,
 *       shadow)</td></tr>
 *   <tr><td>cutover.dualwrite.shadow.writes</td><td>counter</td><td>method, outcome (SUCCEEDED, FAILED,
 *       TIMED_OUT, SHED, CIRCUIT_OPEN, CANCELLED)</td></tr>
 *   <tr><td>cutover.dualwrite.comparisons</td><td>counter</td><td>method, outcome (MATCH, MISMATCH, CHANGED,
 *       ERROR, TIMED_OUT, SHED, SKIPPED_CIRCUIT_OPEN)</td></tr>
 *   <tr><td>cutover.dualwrite.shadow.queue</td><td>gauge</td><td></td></tr>
 *   <tr><td>cutover.dualwrite.shadow.pending</td><td>gauge</td><td></td></tr>
 *   <tr><td>cutover.dualwrite.circuit.open</td><td>gauge, 1 or 0</td><td>side</td></tr>
 *   <tr><td>cutover.dualwrite.stage.unknown</td><td>counter</td><td></td></tr>
 *   <tr><td>cutover.dualwrite.journal.errors</td><td>counter</td><td>journal calls that failed and were
 *       retried; no key is lost by them</td></tr>
 *   <tr><td>cutover.dualwrite.journal.waiting</td><td>gauge</td><td>keys waiting in memory for the
 *       journal</td></tr>
 *   <tr><td>cutover.dualwrite.journal.past.bound</td><td>gauge</td><td>writes past the bound, covered by
 *       a gap</td></tr>
 *   <tr><td>cutover.dualwrite.journal.gap</td><td>gauge, 1 or 0</td><td>whether this proxy recorded a
 *       gap</td></tr>
 *   <tr><td>cutover.dualwrite.listener.errors</td><td>counter</td><td></td></tr>
 * </table>
 *
 * <p>Shed and timed-out shadow work are the SHED and TIMED_OUT outcomes of
 * {@code cutover.dualwrite.shadow.writes} and {@code cutover.dualwrite.comparisons}.
 *
 * @since 0.1.0
 */
public final class DualWriteMetrics implements MeterBinder {
    private static final Stage[] STAGES = Stage.values();
    private static final ComparisonReport.Outcome[] OUTCOMES = ComparisonReport.Outcome.values();

    private final DualWriteHandler handler;
    private final Tags tags;

    private DualWriteMetrics(DualWriteHandler handler, Iterable<Tag> extraTags) {
        this.handler = handler;
        this.tags = Tags.of("repository", handler.repository()).and(extraTags);
    }

    /**
     * Metrics for a proxy built by {@link DualWrite}.
     *
     * @throws IllegalArgumentException when {@code proxy} is not one
     */
    public static DualWriteMetrics of(Object proxy) {
        return of(proxy, Tags.empty());
    }

    /** Metrics for a proxy, with extra tags on every meter. */
    public static DualWriteMetrics of(Object proxy, Iterable<Tag> extraTags) {
        return new DualWriteMetrics(DualWrite.handler(proxy), Objects.requireNonNull(extraTags, "extraTags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Gauge.builder("cutover.dualwrite.shadow.queue", handler.work(), w -> w.queued())
                .description("shadow tasks waiting in the lanes")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.dualwrite.shadow.pending", handler.work(), w -> w.pending())
                .description("shadow tasks queued, running or scheduled")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.dualwrite.journal.waiting", handler.ledger(), l -> l.size())
                .description("distinct keys of missed shadow writes waiting in memory for the journal")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.dualwrite.journal.past.bound", handler.ledger(), l -> l.overflowed())
                .description("missed shadow writes past pendingKeysBound, covered by a gap instead of an entry")
                .tags(tags)
                .register(registry);
        Gauge.builder("cutover.dualwrite.journal.gap", handler.ledger(), l -> l.gapOpened() ? 1 : 0)
                .description("whether this proxy recorded a gap: no stage may move past SHADOW until a full"
                        + " reconciliation and repair close it")
                .tags(tags)
                .register(registry);
        for (Side side : Side.values()) {
            CircuitBreaker breaker = handler.breaker(side);
            Gauge.builder("cutover.dualwrite.circuit.open", breaker, DualWriteMetrics::open)
                    .description("whether the breaker of this store as shadow side is open")
                    .tags(tags)
                    .tag("side", lower(side))
                    .register(registry);
        }
        handler.telemetry().addSink(new Sink(registry, tags, handler.methodNames()));
    }

    private static double open(CircuitBreaker breaker) {
        CircuitBreaker.State s = breaker.getState();
        return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN ? 1 : 0;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Meters registered on first use and kept in arrays by method index. */
    private static final class Sink implements MetricsSink {
        private final MeterRegistry registry;
        private final Tags tags;
        private final List<String> methods;
        private final AtomicReferenceArray<Counter> calls;
        private final AtomicReferenceArray<Timer> latency;
        private final AtomicReferenceArray<Counter> comparisons;
        private final ConcurrentHashMap<String, Counter> writes = new ConcurrentHashMap<>();
        private final Counter unknown;
        private final Counter journalErrors;
        private final Counter listenerErrors;

        Sink(MeterRegistry registry, Tags tags, List<String> methods) {
            this.registry = registry;
            this.tags = tags;
            this.methods = methods;
            int n = Math.max(1, methods.size());
            this.calls = new AtomicReferenceArray<>(n * STAGES.length);
            this.latency = new AtomicReferenceArray<>(n * 4);
            this.comparisons = new AtomicReferenceArray<>(n * OUTCOMES.length);
            this.unknown = Counter.builder("cutover.dualwrite.stage.unknown")
                    .description("calls whose stage flag named no stage")
                    .tags(tags)
                    .register(registry);
            this.journalErrors = Counter.builder("cutover.dualwrite.journal.errors")
                    .description("missed shadow writes the journal could not record")
                    .tags(tags)
                    .register(registry);
            this.listenerErrors = Counter.builder("cutover.dualwrite.listener.errors")
                    .description("reports or failed writes the listener (or the log) could not take")
                    .tags(tags)
                    .register(registry);
        }

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void call(int method, Stage stage, long nanos) {
            int i = method * STAGES.length + stage.ordinal();
            Counter c = calls.get(i);
            if (c == null) {
                c = Counter.builder("cutover.dualwrite.calls")
                        .tags(tags)
                        .tag("method", methods.get(method))
                        .tag("stage", stage.name())
                        .tag("side", lower(stage.authoritative()))
                        .register(registry);
                calls.set(i, c);
            }
            c.increment();
            timer(method, stage.authoritative(), 0).record(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void shadowLatency(int method, Side side, long nanos) {
            timer(method, side, 1).record(nanos, TimeUnit.NANOSECONDS);
        }

        private Timer timer(int method, Side side, int role) {
            int i = method * 4 + side.ordinal() * 2 + role;
            Timer t = latency.get(i);
            if (t == null) {
                t = Timer.builder("cutover.dualwrite.latency")
                        .tags(tags)
                        .tag("method", methods.get(method))
                        .tag("side", lower(side))
                        .tag("role", role == 0 ? "authoritative" : "shadow")
                        .register(registry);
                latency.set(i, t);
            }
            return t;
        }

        @Override
        public void shadowWrite(int method, String outcome) {
            writes.computeIfAbsent(
                            method + "/" + outcome,
                            k -> Counter.builder("cutover.dualwrite.shadow.writes")
                                    .tags(tags)
                                    .tag("method", methods.get(method))
                                    .tag("outcome", outcome)
                                    .register(registry))
                    .increment();
        }

        @Override
        public void comparison(int method, ComparisonReport.Outcome outcome) {
            int i = method * OUTCOMES.length + outcome.ordinal();
            Counter c = comparisons.get(i);
            if (c == null) {
                c = Counter.builder("cutover.dualwrite.comparisons")
                        .tags(tags)
                        .tag("method", methods.get(method))
                        .tag("outcome", outcome.name())
                        .register(registry);
                comparisons.set(i, c);
            }
            c.increment();
        }

        @Override
        public void stageUnknown() {
            unknown.increment();
        }

        @Override
        public void journalError() {
            journalErrors.increment();
        }

        @Override
        public void listenerError() {
            listenerErrors.increment();
        }
    }
}
