package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.fleet.FleetHeartbeat;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats end to end on embedded PostgreSQL: instances publishing through {@code FleetHeartbeat}
 * are seen by a {@code FleetView} over another store instance, a flip is seen held by all of them,
 * a closed instance is gone; and an idle instance costs only head checks and heartbeat upserts.
 */
class FleetOnPostgresTest {
    private static final AuditInfo AUDIT = new AuditInfo("ops", "fleet test");

    @Test
    void theFleetViewSeesEveryInstanceHoldAFlip() throws Exception {
        DataSource db = EmbeddedPostgresServer.get().createDatabase("fleet").dataSource();
        JdbcFlagStore operator = JdbcFlagStore.builder(db).build();
        operator.createSchemaIfMissing();
        Flag stage = operator.put(Flag.stringFlag("orders.stage", "SHADOW"), 0, AUDIT);
        List<AutoCloseable> open = new ArrayList<>();
        List<FleetHeartbeat> heartbeats = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                JdbcFlagStore store = JdbcFlagStore.builder(db).build();
                FlagClient client = FlagClient.builder(store).build();
                FleetHeartbeat heartbeat = FleetHeartbeat.builder(client, store, "orders-service")
                        .instance("orders-" + i)
                        .stages(() -> Map.of(
                                "orders", client.stringValue("orders.stage", EvaluationContext.empty(), "OLD_ONLY")))
                        .start();
                open.add(heartbeat);
                open.add(client);
                open.add(store);
                heartbeats.add(heartbeat);
            }
            FleetView fleet = FleetView.of(operator);
            // a view knows only the instances that reported: wait until the three have
            Eventually.within(Duration.ofSeconds(20), "three instances reported", () -> {
                try {
                    return fleet.instances("orders-service").size() == 3;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            FleetView.Wait first = fleet.awaitRevision(1, null, "orders-service", Duration.ofSeconds(20));
            assertThat(first.reached()).as("%s", first).isTrue();
            assertThat(first.holding()).hasSize(3);

            operator.put(Flag.stringFlag("orders.stage", "NEW_ONLY"), stage.version(), AUDIT);
            long revision = operator.headRevision();
            FleetView.Wait flipped = fleet.awaitRevision(revision, null, "orders-service", Duration.ofSeconds(20));
            assertThat(flipped.reached()).as("%s", flipped).isTrue();
            assertThat(flipped.holding())
                    .extracting(i -> i.heartbeat().stages().get("orders"))
                    .containsOnly("NEW_ONLY");
            assertThat(operator.headRevision())
                    .as("heartbeats never move the revision")
                    .isEqualTo(revision);

            heartbeats.get(0).close();
            assertThat(fleet.instances("orders-service"))
                    .extracting(i -> i.heartbeat().instance())
                    .containsExactly("orders-1", "orders-2");
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
            operator.close();
        }
    }

    @Test
    void anIdleInstanceCostsHeadChecksAndOneUpsertPerInterval() throws Exception {
        CountingDataSource counting = new CountingDataSource(
                EmbeddedPostgresServer.get().createDatabase("fleet_idle").dataSource());
        JdbcFlagStore store = JdbcFlagStore.builder(counting.dataSource).build();
        store.createSchemaIfMissing();
        store.put(Flag.booleanFlag("orders.new-checkout", true), 0, AUDIT);
        try (store;
                FlagClient client = FlagClient.builder(store)
                        .pollInterval(Duration.ofMillis(100))
                        .pollJitter(0)
                        .build();
                FleetHeartbeat heartbeat = FleetHeartbeat.builder(client, store, "orders-service")
                        .instance("orders-1")
                        .interval(Duration.ofMillis(100))
                        .start()) {
            long listenDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (counting.statements.stream().noneMatch(sql -> sql.startsWith("LISTEN")) || heartbeat.sent() == 0) {
                assertThat(System.nanoTime())
                        .as("LISTEN and a first heartbeat within 10 s")
                        .isLessThan(listenDeadline);
                LockSupport.parkNanos(5_000_000L);
            }
            counting.statements.clear();
            long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(10_000_000L);
            }
            List<String> idle = List.copyOf(counting.statements);
            long heads = idle.stream()
                    .filter(sql -> sql.startsWith("SELECT revision FROM"))
                    .count();
            long upserts = idle.stream()
                    .filter(sql -> sql.startsWith("INSERT INTO \"cutover_instances\""))
                    .count();
            assertThat(heads + upserts).as("every idle statement: %s", idle).isEqualTo(idle.size());
            assertThat(heads).as("head checks in 1 s at 100 ms").isBetween(3L, 12L);
            assertThat(upserts).as("heartbeats in 1 s at 100 ms").isBetween(3L, 12L);
        }
    }
}
