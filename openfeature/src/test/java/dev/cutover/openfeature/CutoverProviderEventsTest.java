package dev.cutover.openfeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.StalenessPolicy;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.MutableClock;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Provider events, observed through handlers registered on the OpenFeature client, driven by flag
 * writes to a real store and by switching that store off and on. Staleness is driven by a clock the
 * test moves, so no test waits for time to pass.
 */
class CutoverProviderEventsTest {
    private static final Duration WAIT = ReceivedEvents.WAIT;
    private static final AuditInfo AUDIT = new AuditInfo("test", "events");

    private final InMemoryFlagStore backing = new InMemoryFlagStore();
    private final SwitchableStore store = new SwitchableStore(backing);
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final ReceivedEvents events = new ReceivedEvents();
    private FlagClient flags;

    @AfterEach
    void tearDown() {
        api.shutdown();
        if (flags != null) {
            flags.close();
        }
    }

    /** A client that polls often, does not retry, and counts as stale after one minute of the clock. */
    private FlagClient client(Duration startupTimeout) {
        flags = FlagClient.builder(store)
                .pollInterval(Duration.ofMillis(50))
                .storeRetry(1, Duration.ofMillis(10))
                .startupTimeout(startupTimeout)
                .maxStaleness(Duration.ofMinutes(1), StalenessPolicy.SERVE_DEFAULTS)
                .clock(clock)
                .build();
        return flags;
    }

    private Client listeningClient() {
        return events.listen(api.getClient());
    }

    private void awaitEvent(ProviderEvent event, String what, Predicate<EventDetails> condition) {
        events.await(event, what, condition);
    }

    private long count(ProviderEvent event) {
        return events.count(event);
    }

    @Test
    void readyOnRegistrationThenConfigurationChangedWithTheChangedKeys() {
        backing.put(Flag.booleanFlag("checkout", false), 0, AUDIT);
        Client client = listeningClient();
        api.setProviderAndWait(CutoverProvider.owning(client(Duration.ofSeconds(10))));

        awaitEvent(ProviderEvent.PROVIDER_READY, "PROVIDER_READY", d -> true);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);

        long revision =
                backing.put(Flag.booleanFlag("checkout", true), 1, AUDIT).version();
        backing.put(Flag.stringFlag("banner", "spring"), 0, AUDIT);
        awaitEvent(
                ProviderEvent.PROVIDER_CONFIGURATION_CHANGED,
                "both keys reported",
                d -> changedKeys().containsAll(Set.of("checkout", "banner")));
        assertThat(changedKeys()).containsOnly("checkout", "banner");
        EventDetails last = events.all().stream()
                .filter(r -> r.event() == ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
                .reduce((a, b) -> b)
                .orElseThrow()
                .details();
        assertThat(last.getProviderName()).isEqualTo(CutoverProvider.NAME);
        assertThat(last.getEventMetadata().getLong("revision")).isGreaterThanOrEqualTo(revision);
        assertThat(client.getBooleanValue("checkout", false)).isTrue();
        assertThat(count(ProviderEvent.PROVIDER_STALE) + count(ProviderEvent.PROVIDER_ERROR))
                .isZero();
    }

    private Set<String> changedKeys() {
        return events.all().stream()
                .filter(r -> r.event() == ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)
                .flatMap(r -> r.details().getFlagsChanged().stream())
                .collect(Collectors.toSet());
    }

    @Test
    void storeFailureIsStaleDefaultsAreAnErrorAndRecoveryIsReady() {
        backing.put(Flag.booleanFlag("checkout", true), 0, AUDIT);
        Client client = listeningClient();
        api.setProviderAndWait(CutoverProvider.of(client(Duration.ofSeconds(10))));
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);

        store.down();
        awaitEvent(
                ProviderEvent.PROVIDER_STALE,
                "PROVIDER_STALE",
                d -> d.getMessage().contains("store is down"));
        assertThat(client.getProviderState()).isEqualTo(ProviderState.STALE);
        assertThat(client.getBooleanValue("checkout", false))
                .as("the last good snapshot is served")
                .isTrue();

        clock.advance(Duration.ofMinutes(2)); // past maxStaleness: the policy serves code defaults
        awaitEvent(
                ProviderEvent.PROVIDER_ERROR,
                "PROVIDER_ERROR",
                d -> d.getMessage().contains("code defaults"));
        assertThat(client.getProviderState()).isEqualTo(ProviderState.ERROR);
        assertThat(client.getBooleanDetails("checkout", false).getErrorCode()).isEqualTo(ErrorCode.GENERAL);
        assertThat(client.getBooleanDetails("checkout", false).getErrorMessage())
                .contains("maximum staleness");

        long readyBefore = count(ProviderEvent.PROVIDER_READY);
        store.up();
        Eventually.within(
                WAIT, "PROVIDER_READY after recovery", () -> count(ProviderEvent.PROVIDER_READY) > readyBefore);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(client.getBooleanValue("checkout", false)).isTrue();
    }

    @Test
    void aClientWithoutDataIsAnErrorUntilItsFirstLoad() {
        store.down();
        Client client = listeningClient();
        FlagClient empty = client(Duration.ZERO);
        assertThat(empty.status().state()).isEqualTo(ClientStatus.State.FAILED);
        CutoverProvider provider = CutoverProvider.builder(empty)
                .owning(true)
                .initializationTimeout(Duration.ZERO) // do not wait: initialize fails at once
                .build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> api.setProviderAndWait(provider))
                .isInstanceOf(OpenFeatureError.class)
                .hasMessageContaining("serves code defaults");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(CutoverProvider.DEFAULT_INITIALIZATION_TIMEOUT);
        awaitEvent(ProviderEvent.PROVIDER_ERROR, "PROVIDER_ERROR from initialize", d -> true);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.ERROR);

        backing.put(Flag.booleanFlag("checkout", true), 0, AUDIT);
        store.up();
        awaitEvent(ProviderEvent.PROVIDER_READY, "PROVIDER_READY after the first load", d -> true);
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
        assertThat(client.getBooleanValue("checkout", false)).isTrue();
    }

    @Test
    void aSharedClientClosedByItsOwnerIsFatal() {
        Client client = listeningClient();
        FlagClient shared = client(Duration.ofSeconds(10));
        api.setProviderAndWait(CutoverProvider.of(shared));
        assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);

        shared.close();
        awaitEvent(
                ProviderEvent.PROVIDER_ERROR,
                "PROVIDER_ERROR for the closed client",
                d -> d.getMessage().contains("closed"));
        Eventually.within(WAIT, "state FATAL", () -> client.getProviderState() == ProviderState.FATAL);
        assertThat(client.getBooleanDetails("checkout", true).getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
    }

    @Test
    void noEventsAfterShutdown() {
        Client client = listeningClient();
        CutoverProvider provider = CutoverProvider.of(client(Duration.ofSeconds(10)));
        api.setProviderAndWait(provider);
        backing.put(Flag.booleanFlag("before", true), 0, AUDIT);
        awaitEvent(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, "the change before shutdown", d -> true);

        provider.shutdown();
        int seen = events.all().size();
        backing.put(Flag.booleanFlag("after", true), 0, AUDIT);
        Eventually.within(WAIT, "the client loaded the later change", () -> flags.booleanValue("after", false));
        store.down();
        // each failed refresh cycle would have made a running monitor report PROVIDER_STALE at once
        Eventually.within(WAIT, "five failed refresh cycles", () -> store.failedCalls() >= 5);
        assertThat(flags.status().state()).isEqualTo(ClientStatus.State.STALE);
        assertThat(events.all()).hasSize(seen);
    }
}
