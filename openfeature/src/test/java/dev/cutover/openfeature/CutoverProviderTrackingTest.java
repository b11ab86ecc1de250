package dev.cutover.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.openfeature.metrics.CutoverProviderMetrics;
import dev.cutover.testkit.TestFlags;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tracking through an isolated OpenFeature API and a real {@code FlagClient}: what the application
 * passes to {@code client.track} reaches the {@link TrackingListener}, and is counted by
 * {@link CutoverProviderMetrics} in a real Micrometer registry. Requirement numbers are those of the
 * OpenFeature specification's tracking sections (2.7, 6).
 */
class CutoverProviderTrackingTest {
    private final TestFlags flags = new TestFlags();
    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final List<Tracked> tracked = new CopyOnWriteArrayList<>();

    private record Tracked(
            String event,
            EvaluationContext context,
            @Nullable TrackingEventDetails details) {}

    @AfterEach
    void tearDown() {
        api.shutdown();
        flags.close();
    }

    private CutoverProvider recordingProvider() {
        return CutoverProvider.builder(flags.client())
                .trackingListener((event, context, details) -> tracked.add(new Tracked(event, context, details)))
                .build();
    }

    @Test
    @DisplayName("Requirements 2.7.1, 6.1.1.1 and 6.1.3: client.track reaches the listener with the event name,"
            + " the merged evaluation context (invocation over client over API) and the details (6.2.1, 6.2.2)")
    void trackReachesTheListener() {
        api.setProviderAndWait(recordingProvider());
        api.setEvaluationContext(new ImmutableContext(Map.of("region", new Value("eu"), "tier", new Value("free"))));
        Client client = api.getClient();
        client.setEvaluationContext(new ImmutableContext(Map.of("tier", new Value("gold"), "app", new Value("shop"))));
        MutableTrackingEventDetails details = new MutableTrackingEventDetails(99.77).add("currencyCode", "USD");

        client.track(
                "clicked-checkout", new ImmutableContext("customer-1", Map.of("tier", new Value("platinum"))), details);
        client.track("visited-promo-page");

        assertThat(tracked).hasSize(2);
        Tracked checkout = tracked.get(0);
        assertThat(checkout.event()).isEqualTo("clicked-checkout");
        assertThat(checkout.details()).isSameAs(details);
        assertThat(checkout.details().getValue()).contains(99.77);
        assertThat(checkout.details().getValue("currencyCode").asString()).isEqualTo("USD");
        EvaluationContext merged = checkout.context();
        assertThat(merged.getTargetingKey()).isEqualTo("customer-1");
        assertThat(merged.getValue("tier").asString()).as("invocation wins").isEqualTo("platinum");
        assertThat(merged.getValue("app").asString()).as("from the client").isEqualTo("shop");
        assertThat(merged.getValue("region").asString()).as("from the API").isEqualTo("eu");

        Tracked promo = tracked.get(1);
        assertThat(promo.event()).isEqualTo("visited-promo-page");
        assertThat(promo.details()).as("no details given").isNull();
        assertThat(promo.context().getValue("region").asString()).isEqualTo("eu");
    }

    @Test
    @DisplayName("Requirement 2.7.1: track returns nothing and raises nothing: a listener that throws never breaks"
            + " client.track, and is still called for the next event")
    void aThrowingListenerNeverBreaksTrack() {
        AtomicInteger calls = new AtomicInteger();
        api.setProviderAndWait(CutoverProvider.builder(flags.client())
                .trackingListener((event, context, details) -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("analytics pipeline is down");
                })
                .build());
        Client client = api.getClient();

        assertThatCode(() -> {
                    client.track("clicked-checkout", new ImmutableContext("customer-1"));
                    client.track("clicked-checkout", new MutableTrackingEventDetails(1));
                    client.track("visited-promo-page");
                })
                .doesNotThrowAnyException();
        assertThat(calls).hasValue(3);
    }

    @Test
    @DisplayName("Requirement 2.7.1: every tracking event is counted as cutover.openfeature.track{event},"
            + " with or without a listener")
    void trackingEventsAreCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CutoverProvider provider = CutoverProvider.of(flags.client()); // no listener: only counted
        CutoverProviderMetrics.of(provider, Tags.of("app", "shop")).bindTo(registry);
        api.setProviderAndWait(provider);
        Client client = api.getClient();

        client.track("clicked-checkout");
        client.track("clicked-checkout", new ImmutableContext("customer-1"), new MutableTrackingEventDetails(5));
        client.track("visited-promo-page");

        assertThat(count(registry, "clicked-checkout")).isEqualTo(2.0);
        assertThat(count(registry, "visited-promo-page")).isEqualTo(1.0);
        assertThat(registry.get(CutoverProviderMetrics.TRACK).counters())
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.getId().getTag("app")).isEqualTo("shop"));
    }

    @Test
    @DisplayName("Requirements 6.1.1.1 and 2.7.1: the tracking event name is required: the SDK refuses a null one,"
            + " and a null or blank name reaching the provider is ignored, never thrown or counted")
    void anEventWithoutANameIsIgnored() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CutoverProvider provider = recordingProvider();
        CutoverProviderMetrics.of(provider).bindTo(registry);
        api.setProviderAndWait(provider);

        // the SDK refuses these before the provider sees them (1.22.0: null with a NullPointerException
        // although its Tracking javadoc says IllegalArgumentException; empty with IllegalArgumentException)
        assertThatThrownBy(() -> api.getClient().track(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> api.getClient().track("")).isInstanceOf(IllegalArgumentException.class);
        // a blank name passes the SDK's check; the provider ignores it
        assertThatCode(() -> api.getClient().track("   ")).doesNotThrowAnyException();
        assertThatCode(() -> {
                    provider.track(null, new ImmutableContext(), null);
                    provider.track("", new ImmutableContext(), null);
                    provider.track("  \t", new ImmutableContext(), new MutableTrackingEventDetails(1));
                })
                .doesNotThrowAnyException();
        assertThat(tracked).isEmpty();
        assertThat(registry.find(CutoverProviderMetrics.TRACK).counters()).isEmpty();

        provider.track("direct", null, null);
        assertThat(tracked).singleElement().satisfies(t -> {
            assertThat(t.event()).isEqualTo("direct");
            assertThat(t.context().isEmpty())
                    .as("a null context is passed on as empty")
                    .isTrue();
        });
        assertThat(count(registry, "direct")).isEqualTo(1.0);
    }

    private static double count(SimpleMeterRegistry registry, String event) {
        Counter counter =
                registry.find(CutoverProviderMetrics.TRACK).tag("event", event).counter();
        return counter == null ? 0 : counter.count();
    }
}
