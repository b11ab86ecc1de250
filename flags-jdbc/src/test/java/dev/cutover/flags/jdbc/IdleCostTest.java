package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** An idle client costs one single-row query per poll, whatever the number of flags. */
class IdleCostTest {

    @Test
    void anIdlePollIsOneSingleRowQueryOnOneConnection() throws Exception {
        CountingDataSource counting = new CountingDataSource(
                EmbeddedPostgresServer.get().createDatabase("idle").dataSource());
        JdbcFlagStore store = JdbcFlagStore.builder(counting.dataSource).build();
        store.createSchemaIfMissing();
        for (int i = 0; i < 200; i++) {
            store.put(Flag.booleanFlag("flag." + i, i % 2 == 0), 0, new AuditInfo("ops", "seed"));
        }
        try (store;
                FlagClient client = FlagClient.builder(store)
                        .pollInterval(Duration.ofMillis(100))
                        .pollJitter(0)
                        .build()) {
            assertThat(client.status().flagCount()).isEqualTo(200);
            // the push connection is opened once, in the background; measure after it is up
            long listenDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (counting.statements.stream().noneMatch(sql -> sql.startsWith("LISTEN"))) {
                assertThat(System.nanoTime()).as("LISTEN within 10 s").isLessThan(listenDeadline);
                LockSupport.parkNanos(5_000_000L);
            }
            counting.statements.clear();
            int connectionsBefore = counting.connections.get();
            long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < end) {
                LockSupport.parkNanos(10_000_000L);
            }
            List<String> idle = List.copyOf(counting.statements);
            int connections = counting.connections.get() - connectionsBefore;
            assertThat(idle).isNotEmpty();
            assertThat(idle).allSatisfy(sql -> assertThat(sql).startsWith("SELECT revision FROM"));
            assertThat(idle.size())
                    .as("head checks in 1 s at a 100 ms interval")
                    .isBetween(3, 12);
            // a head check in flight at either edge of the window may be counted on one side only
            assertThat(connections)
                    .as("one connection borrowed per head check")
                    .isBetween(idle.size() - 1, idle.size() + 1);
        }
    }
}
