package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StalenessTest {

  @Test
  void serveDefaultsPolicyAppliesPastMaxStalenessAndLiftsOnRecovery() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    ScriptedStore store = new ScriptedStore();
    store.publish(Flag.booleanFlag("x", true));
    try (FlagClient client =
        FlagClient.builder(store)
            .clock(clock)
            .pollInterval(Duration.ofHours(1))
            .storeRetry(1, Duration.ofMillis(1))
            .maxStaleness(Duration.ofMinutes(10), StalenessPolicy.SERVE_DEFAULTS)
            .build()) {
      FlagClient c = client;
      store.mode.set(ScriptedStore.Mode.FAIL);
      clock.advance(Duration.ofMinutes(5));
      c.refreshNow();
      assertThat(client.booleanValue("x", false)).isTrue();
      assertThat(client.status().state()).isEqualTo(ClientStatus.State.STALE);

      clock.advance(Duration.ofMinutes(6));
      c.refreshNow();
      Evaluation<Boolean> e = client.booleanDetail("x", EvaluationContext.empty(), false);
      assertThat(e.value()).isFalse();
      assertThat(e.errorCode()).isEqualTo(ErrorCode.STALE);
      assertThat(client.status().state()).isEqualTo(ClientStatus.State.FAILED);
      assertThat(client.status().snapshotAge()).isEqualTo(Duration.ofMinutes(11));

      store.mode.set(ScriptedStore.Mode.OK);
      c.refreshNow();
      assertThat(client.booleanValue("x", false)).isTrue();
      assertThat(client.status().state()).isEqualTo(ClientStatus.State.READY);
    }
  }

  @Test
  void keepLastGoodIsTheDefault() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    ScriptedStore store = new ScriptedStore();
    store.publish(Flag.booleanFlag("x", true));
    try (FlagClient client =
        FlagClient.builder(store).clock(clock).pollInterval(Duration.ofHours(1)).storeRetry(1, Duration.ofMillis(1)).build()) {
      store.mode.set(ScriptedStore.Mode.FAIL);
      clock.advance(Duration.ofDays(2));
      client.refreshNow();
      assertThat(client.booleanValue("x", false)).isTrue();
      assertThat(client.status().state()).isEqualTo(ClientStatus.State.STALE);
    }
  }
}
