package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.ClientStatus.Source;
import dev.cutover.flags.ClientStatus.State;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Reason;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.testsupport.CapturedLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad rows and bad arguments, on one real database. */
abstract class JdbcBadInputContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final AuditInfo AUDIT = new AuditInfo("alice", "test");

    protected abstract DataSource dataSource();

    private JdbcFlagStore store;

    @BeforeEach
    void createStore() throws Exception {
        store = JdbcFlagStore.builder(dataSource())
                .tablePrefix("bad" + PREFIXES.incrementAndGet() + "_")
                .maxFlagBytes(4096)
                .build();
        store.createSchemaIfMissing();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void badRowsAreRejectedOneByOneAndKeepTheirPreviousVersion() throws Exception {
        store.put(Flag.stringFlag("stage", "SHADOW"), 0, AUDIT);
        store.put(Flag.booleanFlag("good", true), 0, AUDIT);
        try (FlagClient client = FlagClient.builder(store).build()) {
            FlagClient c = client;
            RawRows.put(dataSource(), store, "stage", "{\"key\":\"stage\",\"type\":\"string\",");
            RawRows.put(
                    dataSource(),
                    store,
                    "unknown.field",
                    Flag.booleanFlag("unknown.field", true)
                            .toJson()
                            .replace("\"on\":true", "\"on\":true,\"colour\":\"red\""));
            RawRows.put(
                    dataSource(), store, "bad key!", Flag.booleanFlag("x", true).toJson());
            RawRows.put(
                    dataSource(),
                    store,
                    "big",
                    Flag.builder("big").variant("v", "x".repeat(5000)).build().toJson());
            store.put(Flag.booleanFlag("good", false), 1, AUDIT);
            c.refreshNow();
            ClientStatus status = client.status();
            assertThat(status.state()).isEqualTo(ClientStatus.State.READY);
            assertThat(status.rejectedFlags()).isEqualTo(4);
            assertThat(client.stringValue("stage", EvaluationContext.empty(), "?"))
                    .isEqualTo("SHADOW");
            assertThat(client.booleanValue("good", true)).isFalse();
            for (String key : new String[] {"unknown.field", "bad key!", "big"}) {
                assertThat(client.booleanDetail(key, EvaluationContext.empty(), false)
                                .reason())
                        .as(key)
                        .isEqualTo(Reason.FLAG_NOT_FOUND);
            }
        }
        assertThat(store.get("big").orElseThrow().rejection()).contains("exceeds the limit of 4096");
    }

    @Test
    void oversizedWritesAndBadArgumentsFailBeforeTheDatabase() throws Exception {
        assertThatThrownBy(() -> store.put(
                        Flag.builder("huge").variant("v", "y".repeat(5000)).build(), 0, AUDIT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'huge'")
                .hasMessageContaining("over the limit of 4096");
        assertThatThrownBy(() -> store.get("x'; DROP TABLE t; --")).hasMessageContaining("flag key must be");
        assertThatThrownBy(() -> store.put(Flag.booleanFlag("a", true), 0, new AuditInfo("a".repeat(201), "r")))
                .hasMessageContaining("actor must be at most 200 characters but was 201");
        assertThatThrownBy(() -> store.put(Flag.booleanFlag("a", true), 0, new AuditInfo("bob", "nul\u0000here")))
                .hasMessageContaining("reason must not contain the NUL character");
        assertThatThrownBy(() -> JdbcFlagStore.builder(dataSource()).tablePrefix("x; DROP TABLE y"))
                .hasMessageContaining("tablePrefix must match")
                .hasMessageContaining("'x; DROP TABLE y'");
        assertThat(store.get("huge")).isEmpty();
        assertThat(store.headRevision()).isZero();
    }

    @Test
    void conflictsNameTheKeyAndBothVersions() throws Exception {
        store.put(Flag.booleanFlag("k", true), 0, AUDIT);
        store.put(Flag.booleanFlag("k", false), 1, AUDIT);
        assertThatThrownBy(() -> store.put(Flag.booleanFlag("k", true), 1, AUDIT))
                .isInstanceOf(FlagWriteConflictException.class)
                .hasMessage("write conflict on flag 'k': expected version 1 but the store has version 2");
        assertThat(store.history("k", null, 10).records()).hasSize(2);
    }

    /** A heartbeat row as a hand edit or a careless migration leaves it. */
    private void rawHeartbeat(String service, String instance, String stages, String state, long intervalMs)
            throws Exception {
        String table = store.dialect().quote(store.tablePrefix() + "instances");
        try (Connection c = dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (service, instance, revision, stages, state, source, sent_at, interval_ms, expires_at)"
                        + " VALUES (?, ?, 7, ?, ?, 'STORE', ?, ?, ?)")) {
            ps.setString(1, service);
            ps.setString(2, instance);
            ps.setString(3, stages);
            ps.setString(4, state);
            ps.setLong(5, NOW.toEpochMilli());
            ps.setLong(6, intervalMs);
            ps.setLong(7, NOW.plus(Duration.ofHours(1)).toEpochMilli());
            ps.executeUpdate();
        }
    }

    private static final Instant NOW = Instant.parse("2031-02-03T04:05:06.789Z");

    @Test
    void badHeartbeatRowsAreSkippedWithAWarningNamingThem() throws Exception {
        Heartbeat good = new Heartbeat(
                "orders",
                "good-1",
                7,
                Map.of("orders", "SHADOW"),
                State.READY,
                Source.STORE,
                NOW,
                Duration.ofSeconds(30));
        store.putHeartbeat(good);
        rawHeartbeat("orders", "stages-not-json", "{\"orders\":", "READY", 30_000);
        rawHeartbeat("orders", "unknown-state", "{}", "SLEEPING", 30_000);
        rawHeartbeat("orders", "zero-interval", "{}", "READY", 0);
        rawHeartbeat("orders", "bad name\u001b[31m", "{}", "READY", 30_000);
        rawHeartbeat("billing", "bad-stage", "{\"orders\":\"NO SUCH STAGE\"}", "READY", 30_000);
        String[] read = new String[1];
        String log = CapturedLog.of(() -> read[0] = store.heartbeats(NOW).toString());
        assertThat(read[0]).isEqualTo(java.util.List.of(good).toString());
        assertThat(log)
                .contains("service orders instance stages-not-json")
                .contains("service orders instance unknown-state")
                .contains("state must be one of [STARTING, READY, STALE, FAILED, CLOSED] but was 'SLEEPING'")
                .contains("service orders instance zero-interval")
                .contains("interval must be positive")
                .contains("service orders instance 'bad name?[31m'")
                .contains("service billing instance bad-stage")
                .contains("NO SUCH STAGE")
                .doesNotContain("\u001b");
        // the bad rows are still there for an operator to fix; a sweep removes them once expired
        assertThat(store.removeExpiredHeartbeats(NOW.plus(Duration.ofHours(2)))).isEqualTo(6);
        assertThat(store.heartbeats(NOW)).isEmpty();
        assertThat(store.headRevision()).isZero();
    }

    @Test
    void heartbeatsAreKeptToTheMillisecond() throws Exception {
        Instant sent = NOW.plusNanos(123_456);
        Heartbeat fine =
                new Heartbeat("orders", "i", 1, Map.of(), State.READY, Source.STORE, sent, Duration.ofNanos(10));
        store.putHeartbeat(fine);
        Heartbeat read = store.heartbeats(NOW).get(0);
        assertThat(read.sentAt()).isEqualTo(NOW);
        assertThat(read.interval()).isEqualTo(Duration.ofMillis(1));
        assertThat(read.expiresAt()).isEqualTo(NOW.plus(Heartbeat.MIN_RETENTION));
        assertThat(store.heartbeats(read.expiresAt().minusNanos(1))).hasSize(1);
        assertThat(store.heartbeats(read.expiresAt())).isEmpty();
    }
}
