package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The public hooks of {@link FlagClient}: refreshNow, onStatus and statistics. */
class ClientHooksTest {

    private static FlagClient client(ScriptedStore store) {
        return FlagClient.builder(store)
                .pollInterval(Duration.ofHours(1))
                .storeRetry(1, Duration.ofMillis(1))
                .build();
    }

    @Test
    void refreshNowSaysWhetherTheStoreAnsweredAndServesItsWrites() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", false));
        FlagClient client = client(store);
        store.publish(Flag.booleanFlag("x", true));
        assertThat(client.refreshNow()).isTrue();
        assertThat(client.booleanValue("x", false)).isTrue();
        assertThat(client.refreshNow()).isTrue(); // nothing new: confirmed, still true

        store.mode.set(ScriptedStore.Mode.FAIL);
        assertThat(client.refreshNow()).isFalse();
        assertThat(client.booleanValue("x", false)).isTrue();

        client.close();
        store.mode.set(ScriptedStore.Mode.OK);
        assertThat(client.refreshNow()).isFalse();
    }

    @Test
    void statusListenersRunOnTheRefresherAfterEveryCycleAndNeverBreakTheClient() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client = client(store)) {
            List<ClientStatus> seen = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            client.onStatus(s -> {
                throw new IllegalStateException("listener bug");
            });
            Subscription sub = client.onStatus(s -> {
                seen.add(s);
                threads.add(Thread.currentThread().getName());
            });

            assertThat(client.refreshNow()).isTrue();
            store.mode.set(ScriptedStore.Mode.FAIL);
            assertThat(client.refreshNow()).isFalse();
            // the push subscription's one reload may also land after the listener was added: READY too
            List<ClientStatus.State> states =
                    seen.stream().map(ClientStatus::state).toList();
            assertThat(states).hasSizeGreaterThanOrEqualTo(2).endsWith(ClientStatus.State.STALE);
            assertThat(states.subList(0, states.size() - 1)).containsOnly(ClientStatus.State.READY);
            assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("cutover-flags-refresh"));

            sub.close();
            int before = seen.size();
            store.mode.set(ScriptedStore.Mode.OK);
            assertThat(client.refreshNow()).isTrue();
            assertThat(seen).hasSize(before);
        }
    }

    @Test
    void statisticsCountRefreshesAndEvaluationsOnceAsked() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client = client(store)) {
            ClientStatistics stats = client.statistics();
            assertThat(stats.storeName()).isEqualTo(store.describe());
            assertThat(stats.loads()).isEqualTo(1);
            client.booleanValue("x", false); // not counted yet
            stats.countEvaluations();
            client.booleanValue("x", false);
            client.booleanValue("x", false);
            client.booleanValue("nope", false);
            client.refreshNow();
            assertThat(stats.refreshes()).isGreaterThanOrEqualTo(2);
            assertThat(stats.refreshErrors()).isZero();

            List<String> counted = new ArrayList<>();
            stats.forEachEvaluationCounter(c -> {
                if (c.count() > 0) {
                    counted.add(
                            c.flag() + "/" + c.variant() + "/" + c.reason() + "/" + c.errorCode() + "=" + c.count());
                }
            });
            assertThat(counted).containsExactlyInAnyOrder("x/true/STATIC/=2", "nope//FLAG_NOT_FOUND/=1");
        }
    }
}
