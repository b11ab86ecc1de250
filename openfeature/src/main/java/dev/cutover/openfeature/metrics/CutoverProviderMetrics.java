package dev.cutover.openfeature.metrics;

import dev.cutover.openfeature.CutoverProvider;
import dev.cutover.openfeature.internal.ProviderAccess;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes a {@link CutoverProvider}'s metrics to Micrometer. Tracking events are counted from the
 * moment this binder is bound. Flag evaluations are counted by the client's own binder,
 * {@code dev.cutover.flags.metrics.FlagClientMetrics}.
 *
 * <pre>{@code
 * CutoverProviderMetrics.of(provider).bindTo(meterRegistry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>cutover.openfeature.track</td><td>counter</td><td>event (the tracking event name)</td></tr>
 * </table>
 *
 * <p>Each distinct event name is one series: use a bounded set of event names. An event with a
 * null or blank name is not counted (the provider ignores it).
 *
 * @since 0.1.0
 */
public final class CutoverProviderMetrics implements MeterBinder {
    /** The name of the tracking event counter. */
    public static final String TRACK = "cutover.openfeature.track";

    private final CutoverProvider provider;
    private final Tags tags;

    private CutoverProviderMetrics(CutoverProvider provider, Iterable<Tag> extraTags) {
        this.provider = provider;
        this.tags = Tags.of(extraTags);
    }

    /** Metrics for a provider. */
    public static CutoverProviderMetrics of(CutoverProvider provider) {
        return of(provider, Tags.empty());
    }

    /** Metrics for a provider, with extra tags on every meter. */
    public static CutoverProviderMetrics of(CutoverProvider provider, Iterable<Tag> extraTags) {
        Objects.requireNonNull(provider, "provider");
        return new CutoverProviderMetrics(provider, Objects.requireNonNull(extraTags, "extraTags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        // one counter per event name, looked up without the registry's lock after the first event
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        ProviderAccess.addTrackingCounter(
                provider,
                eventName -> counters.computeIfAbsent(
                                eventName,
                                name -> Counter.builder(TRACK)
                                        .description("Tracking events recorded through the OpenFeature client")
                                        .tags(tags)
                                        .tag("event", name)
                                        .register(registry))
                        .increment());
    }
}
