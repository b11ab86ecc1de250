package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StalenessTest {

    @Test
    void serveDefaultsPolicyAppliesPastMaxStalenessAndLiftsOnRecovery() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client = FlagClient.builder(store)
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

    /** A cycle that ends after the clock moved on records its success at the moment it asked. */
    @Test
    void aSlowAnswerCountsAsOfTheMomentItWasAskedFor() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        ScriptedStore scripted = new ScriptedStore();
        scripted.publish(Flag.booleanFlag("x", true));
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean();
        dev.cutover.flags.spi.FlagStore store = new dev.cutover.flags.spi.FlagStore() {
            @Override
            public dev.cutover.flags.spi.StoreSnapshot load() throws Exception {
                return scripted.load();
            }

            @Override
            public long headRevision() throws Exception {
                if (slow.compareAndSet(true, false)) {
                    asked.countDown();
                    answer.await();
                }
                return scripted.headRevision();
            }

            @Override
            public String describe() {
                return "slow";
            }
        };
        try (FlagClient client = FlagClient.builder(store)
                .clock(clock)
                .pollInterval(Duration.ofHours(1))
                .storeRetry(1, Duration.ofMillis(1))
                .maxStaleness(Duration.ofMinutes(10), StalenessPolicy.SERVE_DEFAULTS)
                .build()) {
            // the client reloads once more when its push subscription is in place, in the background:
            // let that reload finish first, so that the slow answer is the one of the cycle below
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (client.statistics().refreshes() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(client.statistics().refreshes())
                    .as("the first load and the subscription's reload")
                    .isGreaterThanOrEqualTo(2);
            slow.set(true);
            java.util.concurrent.CompletableFuture<Boolean> cycle =
                    java.util.concurrent.CompletableFuture.supplyAsync(client::refreshNow);
            assertThat(asked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofMinutes(11)); // the answer arrives 11 minutes after the question
            answer.countDown();
            assertThat(cycle.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            scripted.mode.set(ScriptedStore.Mode.FAIL);
            assertThat(client.refreshNow()).isFalse();
            // the data is 11 minutes old, past the bound: defaults are served
            assertThat(client.booleanDetail("x", EvaluationContext.empty(), false)
                            .errorCode())
                    .isEqualTo(ErrorCode.STALE);
            assertThat(client.status().state()).isEqualTo(ClientStatus.State.FAILED);
        }
    }

    @Test
    void keepLastGoodIsTheDefault() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client = FlagClient.builder(store)
                .clock(clock)
                .pollInterval(Duration.ofHours(1))
                .storeRetry(1, Duration.ofMillis(1))
                .build()) {
            store.mode.set(ScriptedStore.Mode.FAIL);
            clock.advance(Duration.ofDays(2));
            client.refreshNow();
            assertThat(client.booleanValue("x", false)).isTrue();
            assertThat(client.status().state()).isEqualTo(ClientStatus.State.STALE);
        }
    }
}
