package dev.cutover.flags.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus.Source;
import dev.cutover.flags.ClientStatus.State;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Liveness at its boundary, and how a wait for a revision judges the fleet. */
class FleetViewTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock();
    private final InMemoryFlagStore store = new InMemoryFlagStore();
    private final FleetView view = FleetView.of(store).clock(clock);

    private void beat(String service, String instance, long revision, Instant at) {
        store.putHeartbeat(new Heartbeat(
                service, instance, revision, Map.of("orders", "SHADOW"), State.READY, Source.STORE, at, INTERVAL));
    }

    @Test
    void anInstanceIsLiveUpToThreeIntervalsThenMissedThenGone() throws Exception {
        Instant t0 = clock.instant();
        beat("orders", "a", 5, t0);
        clock.advance(INTERVAL.multipliedBy(3));
        assertThat(view.instances())
                .singleElement()
                .satisfies(i -> assertThat(i.live()).isTrue());
        clock.advance(Duration.ofMillis(1));
        assertThat(view.instances()).singleElement().satisfies(i -> {
            assertThat(i.live()).isFalse();
            assertThat(i.age()).isEqualTo(Duration.ofMillis(30_001));
        });
        assertThat(view.missedAfter(4).instances())
                .singleElement()
                .satisfies(i -> assertThat(i.live()).isTrue());
        clock.set(t0.plus(Duration.ofMinutes(10)));
        assertThat(view.instances()).isEmpty();
    }

    @Test
    void instancesAreSortedAndFilteredByService() throws Exception {
        Instant now = clock.instant();
        beat("payments", "b", 1, now);
        beat("orders", "z", 1, now);
        beat("orders", "a", 1, now);
        assertThat(view.instances())
                .extracting(i -> i.heartbeat().service() + "/" + i.heartbeat().instance())
                .containsExactly("orders/a", "orders/z", "payments/b");
        assertThat(view.instances("orders")).hasSize(2);
        assertThatThrownBy(() -> view.instances("orders'--")).hasMessageContaining("service name must match");
    }

    @Test
    void aWaitNamesLaggardsAndIgnoresMissedInstances() throws Exception {
        Instant now = clock.instant();
        beat("orders", "a", 5, now);
        beat("orders", "b", 4, now);
        beat("orders", "dead", 1, now.minus(INTERVAL.multipliedBy(4)));
        FleetView.Wait wait = view.awaitRevision(5, null, null, Duration.ZERO, Duration.ofMillis(1));
        assertThat(wait.reached()).isFalse();
        assertThat(wait.laggards()).extracting(i -> i.heartbeat().instance()).containsExactly("b");
        assertThat(wait.missed()).extracting(i -> i.heartbeat().instance()).containsExactly("dead");
        beat("orders", "b", 6, now);
        wait = view.awaitRevision(5, null, null, Duration.ZERO, Duration.ofMillis(1));
        assertThat(wait.reached()).isTrue();
        assertThat(wait.holding()).hasSize(2);
        assertThat(wait.missed()).hasSize(1);
    }

    @Test
    void aWaitForAScheduledFlipEndsOnlyOnceTheInstantPassed() throws Exception {
        beat("orders", "a", 5, clock.instant());
        Instant at = clock.instant().plusSeconds(5);
        assertThat(view.awaitRevision(5, at, null, Duration.ZERO, Duration.ofMillis(1))
                        .reached())
                .isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(view.awaitRevision(5, at, null, Duration.ZERO, Duration.ofMillis(1))
                        .reached())
                .isTrue();
    }

    @Test
    void anEmptyFleetIsNotReached() throws Exception {
        FleetView.Wait wait = view.awaitRevision(1, null, null, Duration.ZERO, Duration.ofMillis(1));
        assertThat(wait.reached()).isFalse();
        assertThat(wait.holding()).isEmpty();
        beat("payments", "a", 9, clock.instant());
        assertThat(view.awaitRevision(1, null, "orders", Duration.ZERO, Duration.ofMillis(1))
                        .reached())
                .isFalse();
        assertThat(view.awaitRevision(1, null, "payments", Duration.ZERO, Duration.ofMillis(1))
                        .reached())
                .isTrue();
    }

    @Test
    void aStoreThatNeverAnswersEndsTheWaitWithItsError() {
        HeartbeatStore down = new HeartbeatStore() {
            @Override
            public void createHeartbeatTableIfMissing() {}

            @Override
            public void putHeartbeat(Heartbeat heartbeat) {}

            @Override
            public List<Heartbeat> heartbeats(Instant now) throws Exception {
                throw new java.io.IOException("connection refused");
            }

            @Override
            public void removeHeartbeat(String service, String instance) {}
        };
        assertThatThrownBy(() ->
                        FleetView.of(down).awaitRevision(1, null, null, Duration.ofMillis(30), Duration.ofMillis(5)))
                .hasMessage("connection refused");
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> view.missedAfter(1)).hasMessage("missedAfter must be >= 2 intervals but was 1");
        assertThatThrownBy(() -> view.awaitRevision(1, null, null, Duration.ofSeconds(-1)))
                .hasMessage("timeout must not be negative but was PT-1S");
    }
}
