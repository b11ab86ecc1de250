package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.internal.DefaultFlagClient;
import dev.cutover.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EffectiveAtTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void scheduledChangeAppliesAtTheInstantAndFiresOnce() {
        MutableClock clock = new MutableClock(T0.minusSeconds(60));
        Flag before = Flag.stringFlag("orders.stage", "SHADOW");
        Flag after = Flag.stringFlag("orders.stage", "LIVE").toBuilder()
                .effectiveAt(T0, before)
                .build();
        ScriptedStore store = new ScriptedStore();
        store.publish(before);
        try (FlagClient client = FlagClient.builder(store)
                .clock(clock)
                .pollInterval(Duration.ofHours(1))
                .build()) {
            List<FlagChangeEvent> events = new CopyOnWriteArrayList<>();
            client.onChange("orders.stage", events::add);
            store.publish(after);
            client.refreshNow();
            Await.until("publication event", Duration.ofSeconds(5), () -> events.size() == 1);

            EvaluationContext ctx = EvaluationContext.of("svc");
            assertThat(client.stringValue("orders.stage", ctx, "?")).isEqualTo("SHADOW");
            clock.set(T0.minusMillis(1));
            assertThat(client.stringValue("orders.stage", ctx, "?")).isEqualTo("SHADOW");
            clock.set(T0);
            assertThat(client.stringValue("orders.stage", ctx, "?")).isEqualTo("LIVE");

            ((DefaultFlagClient) client).fireDueEffectiveChanges();
            ((DefaultFlagClient) client).fireDueEffectiveChanges();
            Await.until("effective event", Duration.ofSeconds(5), () -> events.size() == 2);
            assertThat(events.get(1).key()).isEqualTo("orders.stage");
            clock.advance(Duration.ofMinutes(5));
            ((DefaultFlagClient) client).fireDueEffectiveChanges();
            assertThat(client.stringValue("orders.stage", ctx, "?")).isEqualTo("LIVE");
            assertThat(events).hasSize(2);
        }
    }

    @Test
    void aScheduledNewFlagDoesNotExistBeforeItsInstant() {
        MutableClock clock = new MutableClock(T0.minusSeconds(1));
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("new.flag", true).toBuilder()
                .effectiveAt(T0, null)
                .build());
        try (FlagClient client = FlagClient.builder(store).clock(clock).build()) {
            assertThat(client.booleanDetail("new.flag", EvaluationContext.empty(), false)
                            .reason())
                    .isEqualTo(Reason.FLAG_NOT_FOUND);
            clock.set(T0);
            assertThat(client.booleanValue("new.flag", false)).isTrue();
        }
    }

    @Test
    void everyInstanceFlipsAtTheSameInstantWhateverItsRefreshTime() {
        MutableClock clock = new MutableClock(T0.minusSeconds(30));
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("flip", true).toBuilder()
                .effectiveAt(T0, Flag.booleanFlag("flip", false))
                .build());
        FlagClient[] fleet = new FlagClient[5];
        try {
            for (int i = 0; i < fleet.length; i++) {
                fleet[i] = FlagClient.builder(store).clock(clock).build();
                clock.advance(Duration.ofSeconds(5));
            }
            clock.set(T0.minusMillis(1));
            for (FlagClient c : fleet) {
                assertThat(c.booleanValue("flip", true)).isFalse();
            }
            clock.set(T0);
            for (FlagClient c : fleet) {
                assertThat(c.booleanValue("flip", false)).isTrue();
            }
        } finally {
            for (FlagClient c : fleet) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }
}
