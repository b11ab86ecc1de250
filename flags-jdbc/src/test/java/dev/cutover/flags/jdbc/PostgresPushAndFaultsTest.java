package dev.cutover.flags.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push and faults on a real PostgreSQL that the test stops and starts. Every test restarts the
 * server in {@code finally}, so later tests always find it running.
 */
class PostgresPushAndFaultsTest {
    private static final AuditInfo AUDIT = new AuditInfo("ops", "fault test");
    private static final EmbeddedPostgresServer PG = EmbeddedPostgresServer.get();
    private static final TestDatabase DB = PG.createDatabase("faults");
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    Path dir;

    private JdbcFlagStore store;
    private JdbcFlagStore admin;

    @BeforeEach
    void setUp() throws Exception {
        String prefix = "f" + PREFIXES.incrementAndGet() + "_";
        store = JdbcFlagStore.builder(DB.dataSource())
                .tablePrefix(prefix)
                .listenReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
        store.createSchemaIfMissing();
        admin = JdbcFlagStore.builder(DB.dataSource()).tablePrefix(prefix).build();
        admin.put(Flag.booleanFlag("switch", true), 0, AUDIT);
    }

    @AfterEach
    void tearDown() {
        if (!PG.isRunning()) {
            PG.start();
        }
        store.close();
        admin.close();
    }

    @Test
    void pushDeliversAWriteWithoutWaitingForThePoll() throws Exception {
        try (FlagClient client =
                FlagClient.builder(store).pollInterval(Duration.ofHours(1)).build()) {
            awaitListening();
            long start = System.nanoTime();
            admin.put(Flag.booleanFlag("switch", false), 1, AUDIT);
            Eventually.within(Duration.ofSeconds(5), "push applied", () -> !client.booleanValue("switch", true));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void databaseDownAtStartServesBackupThenDefaultsAndRecoversAlone() throws Exception {
        Path backup = dir.resolve("flags-backup.json");
        try (FlagClient first = FlagClient.builder(store).backupFile(backup).build()) {
            assertThat(first.status().state()).isEqualTo(ClientStatus.State.READY);
        }
        PG.stop();
        try {
            long start = System.nanoTime();
            try (FlagClient withBackup = client(backup);
                    FlagClient withoutBackup = client(null)) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                assertThat(withBackup.status().source()).isEqualTo(ClientStatus.Source.BACKUP_FILE);
                assertThat(withBackup.status().state()).isEqualTo(ClientStatus.State.STALE);
                assertThat(withBackup.booleanValue("switch", false)).isTrue();
                assertThat(withoutBackup.status().state()).isEqualTo(ClientStatus.State.FAILED);
                assertThat(withoutBackup.booleanValue("switch", false)).isFalse();
                PG.start();
                Eventually.within(
                        Duration.ofSeconds(10),
                        "READY once the database appears",
                        () -> withBackup.status().state() == ClientStatus.State.READY
                                && withoutBackup.status().state() == ClientStatus.State.READY);
                assertThat(withoutBackup.booleanValue("switch", false)).isTrue();
            }
        } finally {
            PG.start();
        }
    }

    private FlagClient client(Path backup) {
        FlagClient.Builder b = FlagClient.builder(store)
                .startupTimeout(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(500))
                .storeTimeout(Duration.ofMillis(500))
                .storeRetry(2, Duration.ofMillis(50));
        if (backup != null) {
            b.backupFile(backup);
        }
        return b.build();
    }

    @Test
    void databaseStoppedMidRunKeepsServingAndRecoversWithinOnePollInterval() throws Exception {
        Duration poll = Duration.ofSeconds(1);
        try (FlagClient client = FlagClient.builder(store)
                .pollInterval(poll)
                .storeTimeout(Duration.ofMillis(500))
                .storeRetry(2, Duration.ofMillis(50))
                .build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong evaluations = new AtomicLong();
            AtomicLong wrong = new AtomicLong();
            AtomicInteger exceptions = new AtomicInteger();
            Thread reader = new Thread(() -> {
                EvaluationContext ctx = EvaluationContext.of("svc");
                while (running.get()) {
                    try {
                        if (!client.booleanValue("switch", ctx, false)) {
                            wrong.incrementAndGet();
                        }
                        evaluations.incrementAndGet();
                    } catch (RuntimeException e) {
                        exceptions.incrementAndGet();
                    }
                }
            });
            reader.start();
            try {
                PG.stop();
                Eventually.within(
                        Duration.ofSeconds(10), "STALE", () -> client.status().state() == ClientStatus.State.STALE);
                long during = evaluations.get();
                Eventually.within(
                        Duration.ofSeconds(5),
                        "evaluations continue while down",
                        () -> evaluations.get() > during + 1000);
                PG.start();
                long restarted = System.nanoTime();
                Eventually.within(
                        Duration.ofSeconds(10),
                        "READY after restart",
                        () -> client.status().state() == ClientStatus.State.READY);
                Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
                // one poll interval (plus jitter) and the reload; generous for a loaded CI machine
                assertThat(recovery).as("recovery after restart").isLessThan(poll.multipliedBy(3));
            } finally {
                running.set(false);
                reader.join();
            }
            assertThat(exceptions.get()).isZero();
            assertThat(wrong.get()).isZero();
            assertThat(evaluations.get()).isGreaterThan(0);
        } finally {
            PG.start();
        }
    }

    @Test
    void droppedListenConnectionReconnectsAndHintsResume() throws Exception {
        try (FlagClient client =
                FlagClient.builder(store).pollInterval(Duration.ofHours(1)).build()) {
            awaitListening();
            terminateListeners();
            // the write lands while the listener is away: the hint sent after reconnecting covers it
            admin.put(Flag.booleanFlag("switch", false), 1, AUDIT);
            Eventually.within(
                    Duration.ofSeconds(10), "gap covered after reconnect", () -> !client.booleanValue("switch", true));
            awaitListening();
            admin.put(Flag.booleanFlag("switch", true), 2, AUDIT);
            Eventually.within(Duration.ofSeconds(5), "hints resumed", () -> client.booleanValue("switch", false));
        }
    }

    @Test
    void pollingCoversTheGapWhileTheListenerBacksOff() throws Exception {
        JdbcFlagStore slowReconnect = JdbcFlagStore.builder(DB.dataSource())
                .tablePrefix(store.tablePrefix())
                .listenReconnectBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30))
                .build();
        try (slowReconnect;
                FlagClient client = FlagClient.builder(slowReconnect)
                        .pollInterval(Duration.ofMillis(300))
                        .build()) {
            awaitListening();
            terminateListeners();
            admin.put(Flag.booleanFlag("switch", false), 1, AUDIT);
            Eventually.within(
                    Duration.ofSeconds(5), "polling picked the write up", () -> !client.booleanValue("switch", true));
            assertThat(listeners()).isZero();
        }
    }

    private void awaitListening() throws Exception {
        Eventually.within(Duration.ofSeconds(10), "LISTEN connection", () -> {
            try {
                return listeners() > 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static long listeners() throws Exception {
        try (Connection c = PG.superuserConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = ?")) {
            ps.setString(1, databaseName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void terminateListeners() throws Exception {
        try (Connection c = PG.superuserConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = ?")) {
            ps.setString(1, databaseName());
            ps.executeQuery().close();
        }
    }

    private static String databaseName() {
        String url = DB.jdbcUrl();
        return url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    }
}
