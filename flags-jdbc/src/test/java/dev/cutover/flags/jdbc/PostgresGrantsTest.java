package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus.Source;
import dev.cutover.flags.ClientStatus.State;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The least-privilege grants in the README work exactly: readers read, listen and write their
 * heartbeats, operators write flags and read the fleet.
 */
class PostgresGrantsTest {
    private static final AtomicInteger ROLES = new AtomicInteger();

    @Test
    void readersReadAndListenOperatorsWriteNobodyElse() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        TestDatabase db = pg.createDatabase("grants");
        JdbcFlagStore owner = JdbcFlagStore.builder(db.dataSource()).build();
        owner.createSchemaIfMissing();
        owner.put(Flag.booleanFlag("x", true), 0, new AuditInfo("owner", "seed"));
        int n = ROLES.incrementAndGet();
        String reader = "cutover_reader_" + n;
        String operator = "cutover_operator_" + n;
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            // exactly the statements of the README
            s.execute("CREATE ROLE " + reader + " LOGIN");
            s.execute("GRANT SELECT ON cutover_flags, cutover_revision TO " + reader);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON cutover_instances TO " + reader);
            s.execute("CREATE ROLE " + operator + " LOGIN");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON cutover_flags TO " + operator);
            s.execute("GRANT SELECT, UPDATE ON cutover_revision TO " + operator);
            s.execute("GRANT SELECT, INSERT ON cutover_audit TO " + operator);
            s.execute("GRANT SELECT ON cutover_instances TO " + operator);
        }
        JdbcFlagStore asReader = JdbcFlagStore.builder(as(pg, db, reader)).build();
        JdbcFlagStore asOperator = JdbcFlagStore.builder(as(pg, db, operator)).build();
        try (asReader;
                asOperator;
                FlagClient client = FlagClient.builder(asReader).build()) {
            assertThat(client.booleanValue("x", false)).isTrue();
            assertThatThrownBy(() -> asReader.put(Flag.booleanFlag("x", false), 1, new AuditInfo("r", "no")))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> asReader.history("x", null, 10))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            asOperator.put(Flag.booleanFlag("x", false), 1, new AuditInfo("operator", "allowed"));
            asOperator.delete("x", 2, new AuditInfo("operator", "allowed"));
            assertThat(asOperator.history("x", null, 10).records()).hasSize(3);
            // services write their heartbeats; operators read the fleet and write none
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Heartbeat beat =
                    new Heartbeat("orders", "i-1", 3, Map.of(), State.READY, Source.STORE, now, Duration.ofSeconds(30));
            asReader.putHeartbeat(beat);
            asReader.putHeartbeat(beat);
            assertThat(asReader.removeExpiredHeartbeats(now)).isZero();
            assertThat(asOperator.heartbeats(now)).containsExactly(beat);
            assertThatThrownBy(() -> asOperator.putHeartbeat(beat))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            asReader.removeHeartbeat("orders", "i-1");
            assertThat(asOperator.heartbeats(now)).isEmpty();
        }
    }

    private static PGSimpleDataSource as(EmbeddedPostgresServer pg, TestDatabase db, String role) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(role);
        return ds;
    }
}
