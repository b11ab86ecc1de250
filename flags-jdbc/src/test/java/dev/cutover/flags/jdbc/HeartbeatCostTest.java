package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.ClientStatus.Source;
import dev.cutover.flags.ClientStatus.State;
import dev.cutover.flags.Flag;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testsupport.DatabaseKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A heartbeat costs one statement on one connection, the dialect's upsert of one row, and touches
 * nothing of the flags: no revision lock or bump, no NOTIFY, no audit row.
 */
class HeartbeatCostTest {

    @ParameterizedTest
    @EnumSource(DatabaseKind.class)
    void aHeartbeatIsOneUpsertAndAReadIsOneQuery(DatabaseKind kind) throws Exception {
        CountingDataSource counting =
                new CountingDataSource(kind.createDatabase("heartbeat_cost").dataSource());
        JdbcFlagStore store = JdbcFlagStore.builder(counting.dataSource).build();
        store.createSchemaIfMissing();
        store.put(Flag.booleanFlag("orders.new-checkout", true), 0, new AuditInfo("ops", "seed"));
        Instant now = Instant.now();
        try (store) {
            for (int i = 0; i < 10; i++) {
                counting.statements.clear();
                int connections = counting.connections.get();
                store.putHeartbeat(new Heartbeat(
                        "orders-service",
                        "orders-7f9c-" + (i % 3),
                        42 + i,
                        Map.of("orders", "SHADOW", "payments", "NEW_ONLY"),
                        State.READY,
                        Source.STORE,
                        now,
                        Duration.ofSeconds(30)));
                List<String> sql = List.copyOf(counting.statements);
                assertThat(sql).as("statements of one heartbeat").hasSize(1);
                assertThat(sql.get(0))
                        .startsWith(kind == DatabaseKind.H2 ? "MERGE INTO" : "INSERT INTO")
                        .contains("cutover_instances")
                        .doesNotContainIgnoringCase("revision\"")
                        .doesNotContainIgnoringCase("notify");
                assertThat(counting.connections.get() - connections)
                        .as("connections")
                        .isEqualTo(1);
            }
            counting.statements.clear();
            assertThat(store.heartbeats(now)).hasSize(3);
            assertThat(counting.statements)
                    .singleElement()
                    .satisfies(sql -> assertThat(sql).startsWith("SELECT").endsWith("WHERE expires_at > ?"));
            assertThat(store.headRevision()).isEqualTo(1);
            assertThat(store.history("orders.new-checkout", null, 10).records()).hasSize(1);
        }
    }
}
