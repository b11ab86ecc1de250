package dev.cutover.flags.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.store.InMemoryFlagStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A heartbeat reports what the client serves, promptly after a change and otherwise once per
 * interval; a failing store or stages supplier never reaches the client; close removes it.
 */
class FleetHeartbeatTest {
    private static final AuditInfo AUDIT = new AuditInfo("test", "fleet");

    private final InMemoryFlagStore store = new InMemoryFlagStore();
    private final Recording recording = new Recording(store);
    private FlagClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private FlagClient client() throws Exception {
        store.put(Flag.booleanFlag("orders.stage", false), 0, AUDIT);
        client = FlagClient.builder(store).pollInterval(Duration.ofMillis(50)).build();
        return client;
    }

    @Test
    void reportsTheRevisionAndStagesTheClientServesAndIsRemovedOnClose() throws Exception {
        FlagClient flags = client();
        AtomicReference<String> stage = new AtomicReference<>("DUAL_WRITE");
        FleetHeartbeat heartbeat = FleetHeartbeat.builder(flags, recording, "orders")
                .instance("orders-1")
                .interval(Duration.ofHours(1))
                .stages(() -> Map.of("orders", stage.get()))
                .start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> store.heartbeats(Instant.now()).size() == 1);
        Heartbeat first = store.heartbeats(Instant.now()).get(0);
        assertThat(first.revision()).isEqualTo(flags.status().revision());
        assertThat(first.stages()).containsEntry("orders", "DUAL_WRITE");
        assertThat(first.interval()).isEqualTo(Duration.ofHours(1));

        // a change goes out at once, although the interval is an hour
        stage.set("SHADOW");
        store.put(Flag.booleanFlag("orders.stage", true), 1, AUDIT);
        long revision = store.headRevision();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> store.heartbeats(Instant.now()).get(0).revision() == revision);
        assertThat(store.heartbeats(Instant.now()).get(0).stages()).containsEntry("orders", "SHADOW");
        assertThat(heartbeat.sent()).isGreaterThanOrEqualTo(2);

        heartbeat.close();
        assertThat(store.heartbeats(Instant.now())).isEmpty();
        long sent = heartbeat.sent();
        store.put(Flag.booleanFlag("orders.stage", false), 2, AUDIT);
        flags.refreshNow();
        assertThat(heartbeat.sent()).isEqualTo(sent);
    }

    @Test
    void withoutChangesOneHeartbeatGoesOutPerInterval() throws Exception {
        FlagClient flags = client();
        try (FleetHeartbeat heartbeat = FleetHeartbeat.builder(flags, recording, "orders")
                .interval(Duration.ofMillis(200))
                .start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeat.sent() >= 4);
            // the client polled about every 50 ms meanwhile: polls alone never add heartbeats
            List<Instant> at = recording.times();
            for (int i = 2; i < at.size(); i++) {
                assertThat(Duration.between(at.get(i - 1), at.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            }
        }
    }

    @Test
    void aBurstOfChangesCostsAtMostOneHeartbeatASecond() throws Exception {
        FlagClient flags = client();
        try (FleetHeartbeat heartbeat = FleetHeartbeat.builder(flags, recording, "orders")
                .interval(Duration.ofHours(1))
                .start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeat.sent() == 1);
            long start = System.nanoTime();
            for (int v = 1; v <= 40; v++) {
                store.put(Flag.booleanFlag("orders.stage", v % 2 == 0), v, AUDIT);
                flags.refreshNow();
            }
            long revision = store.headRevision();
            // the last revision still goes out
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> store.heartbeats(Instant.now()).get(0).revision() == revision);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat((double) heartbeat.sent()).isLessThanOrEqualTo(2 + Math.ceil(seconds));
        }
    }

    @Test
    void aFailingStoreOrStagesSupplierNeverReachesTheClient() throws Exception {
        FlagClient flags = client();
        AtomicBoolean failStages = new AtomicBoolean(true);
        recording.fail.set(false);
        try (FleetHeartbeat heartbeat = FleetHeartbeat.builder(flags, recording, "orders")
                .interval(Duration.ofMillis(50))
                .stages(() -> {
                    if (failStages.get()) {
                        throw new IllegalStateException("proxy closed");
                    }
                    return Map.of();
                })
                .start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeat.failures() >= 2);
            assertThat(heartbeat.lastError()).contains("proxy closed");
            failStages.set(false);
            recording.fail.set(true);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> heartbeat.lastError() != null
                            && heartbeat.lastError().contains("table is gone"));
            assertThat(flags.booleanValue("orders.stage", true)).isFalse();
            assertThat(flags.status().state()).isEqualTo(dev.cutover.flags.ClientStatus.State.READY);
            recording.fail.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeat.lastError() == null);
            assertThat(store.heartbeats(Instant.now())).hasSize(1);
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() throws Exception {
        FlagClient flags = client();
        assertThatThrownBy(() -> FleetHeartbeat.builder(flags, store, "orders service"))
                .hasMessageContaining("service name must match")
                .hasMessageContaining("\"orders service\"");
        assertThatThrownBy(() -> FleetHeartbeat.builder(flags, store, "orders").instance("a:b"))
                .hasMessageContaining("instance name must match");
        assertThatThrownBy(() -> FleetHeartbeat.builder(flags, store, "orders").interval(Duration.ZERO))
                .hasMessage("heartbeat interval must be at least 1 ms but was PT0S");
        assertThat(Heartbeat.isValidName(FleetHeartbeat.defaultInstance())).isTrue();
    }

    /** Passes heartbeats to the in-memory store, recording when each was written; fails on demand. */
    static final class Recording implements HeartbeatStore {
        private final InMemoryFlagStore store;
        private final List<Instant> times = new CopyOnWriteArrayList<>();
        final AtomicBoolean fail = new AtomicBoolean();

        Recording(InMemoryFlagStore store) {
            this.store = store;
        }

        List<Instant> times() {
            return List.copyOf(times);
        }

        @Override
        public void createHeartbeatTableIfMissing() {}

        @Override
        public void putHeartbeat(Heartbeat heartbeat) throws Exception {
            if (fail.get()) {
                throw new java.sql.SQLException("heartbeat table is gone");
            }
            times.add(Instant.now());
            store.putHeartbeat(heartbeat);
        }

        @Override
        public List<Heartbeat> heartbeats(Instant now) {
            return store.heartbeats(now);
        }

        @Override
        public void removeHeartbeat(String service, String instance) {
            store.removeHeartbeat(service, instance);
        }
    }
}
