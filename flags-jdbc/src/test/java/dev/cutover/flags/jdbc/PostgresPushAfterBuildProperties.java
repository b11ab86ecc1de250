package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * On a real PostgreSQL, an edit made at any moment after {@code build()} returns, including
 * while the LISTEN connection is still being opened, is served by push (LISTEN/NOTIFY or the hint
 * sent once listening), never left for the next poll: the poll interval is ten minutes, so only
 * push can explain an edit served within the generous bound.
 */
class PostgresPushAfterBuildProperties {
    private static final AuditInfo AUDIT = new AuditInfo("ops", "push after build");
    private static final Duration POLL = Duration.ofMinutes(10);
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final TestDatabase DB = EmbeddedPostgresServer.get().createDatabase("pushafterbuild");
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @Property(tries = 12)
    void anEditRightAfterBuildIsServedByListenNotify(@ForAll @IntRange(min = 0, max = 200) int delayMillis)
            throws Exception {
        String prefix = "p" + PREFIXES.incrementAndGet() + "_";
        try (JdbcFlagStore store = JdbcFlagStore.builder(DB.dataSource())
                        .tablePrefix(prefix)
                        .build();
                JdbcFlagStore admin = JdbcFlagStore.builder(DB.dataSource())
                        .tablePrefix(prefix)
                        .build()) {
            store.createSchemaIfMissing();
            admin.put(Flag.booleanFlag("switch", true), 0, AUDIT);
            try (FlagClient client =
                    FlagClient.builder(store).pollInterval(POLL).build()) {
                assertThat(client.booleanValue("switch", false)).isTrue();
                LockSupport.parkNanos(Duration.ofMillis(delayMillis).toNanos());
                admin.put(Flag.booleanFlag("switch", false), 1, AUDIT);
                Eventually.within(
                        BOUND,
                        "the edit made " + delayMillis + " ms after build() served by push",
                        () -> !client.booleanValue("switch", true));
            }
        }
    }
}
