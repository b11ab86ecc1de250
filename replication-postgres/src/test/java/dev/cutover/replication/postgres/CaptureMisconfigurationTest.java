package dev.cutover.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.InMemoryShardCheckpointStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A source that cannot be captured as configured fails at start, naming what is wrong; nothing keeps running. */
class CaptureMisconfigurationTest {

    private static PostgresChangeCapture.Builder capture(String url, String user, String name, TableMapping table) {
        return PostgresChangeCapture.builder(url, user, "")
                .name(name)
                .table(table)
                .checkpoints(new InMemoryShardCheckpointStore())
                .into(new InMemoryVersionedTarget());
    }

    private static void assertFailsNaming(PostgresChangeCapture capture, String... parts) {
        assertThatThrownBy(capture::start)
                .isInstanceOf(PostgresCaptureException.class)
                .message()
                .contains(parts);
        assertThat(capture.isRunning()).isFalse();
        capture.close();
    }

    @Test
    void aServerWithoutLogicalWalLevelIsNamed() {
        EmbeddedPostgres replica = LogicalPostgres.start(Map.of("wal_level", "replica"));
        try {
            String db = LogicalPostgres.createDatabase(replica, "replica");
            LogicalPostgres.execute(LogicalPostgres.dataSource(replica, db), "CREATE TABLE t (id INT PRIMARY KEY)");
            assertFailsNaming(
                    capture(
                                    LogicalPostgres.jdbcUrl(replica, db),
                                    LogicalPostgres.USER,
                                    "walcheck",
                                    TableMapping.table("t").key("id"))
                            .build(),
                    "wal_level is 'replica'",
                    "wal_level = logical",
                    "localhost:" + replica.getPort() + "/" + db);
        } finally {
            LogicalPostgres.close(replica);
        }
    }

    @Test
    void tablesColumnsReplicaIdentityAndPrivilegesAreNamed() {
        String db = LogicalPostgres.createDatabase("misconfig");
        DataSource ds = LogicalPostgres.dataSource(db);
        LogicalPostgres.execute(
                ds,
                "CREATE TABLE orders (id INT PRIMARY KEY, name TEXT)",
                "DO $$ BEGIN CREATE ROLE cdc_plain LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "GRANT SELECT ON orders TO cdc_plain");
        String url = LogicalPostgres.jdbcUrl(db);
        assertFailsNaming(
                capture(
                                url,
                                LogicalPostgres.USER,
                                "m1",
                                TableMapping.table("public.nope").key("id"))
                        .build(),
                "table 'public.nope' does not exist");
        assertFailsNaming(
                capture(
                                url,
                                LogicalPostgres.USER,
                                "m2",
                                TableMapping.table("orders").key("idd"))
                        .build(),
                "key column 'idd' is not a column of table 'public.orders'",
                "[id, name]");
        assertFailsNaming(
                capture(
                                url,
                                LogicalPostgres.USER,
                                "m3",
                                TableMapping.table("orders").key("name"))
                        .build(),
                "key columns [name] of table 'public.orders' are not all in its replica identity [id]",
                "REPLICA IDENTITY FULL");
        assertFailsNaming(
                capture(url, "cdc_plain", "m4", TableMapping.table("orders").key("id"))
                        .build(),
                "user 'cdc_plain' may not stream changes",
                "REPLICATION");
        assertThat(slots(ds)).as("no slot left behind by a failed check").isZero();
    }

    @Test
    void aSlotInUseIsNamed() {
        String db = LogicalPostgres.createDatabase("inuse");
        LogicalPostgres.execute(LogicalPostgres.dataSource(db), "CREATE TABLE t (id INT PRIMARY KEY)");
        String url = LogicalPostgres.jdbcUrl(db);
        try (PostgresChangeCapture first = capture(
                        url,
                        LogicalPostgres.USER,
                        "inuse",
                        TableMapping.table("t").key("id"))
                .build()) {
            first.start();
            PostgresChangeCapture second = capture(
                            url,
                            LogicalPostgres.USER,
                            "inuse_two",
                            TableMapping.table("t").key("id"))
                    .slot("inuse")
                    .publication("inuse")
                    .build();
            assertFailsNaming(second, "replication slot 'inuse'", "is in use by server process");
            assertThat(first.isRunning()).isTrue();
        }
        LogicalPostgres.execute(LogicalPostgres.dataSource(db), "SELECT pg_drop_replication_slot('inuse')");
    }

    @Test
    void aValueMissingFromTheLogStopsTheCaptureNamingTheColumn() throws Exception {
        String db = LogicalPostgres.createDatabase("toast");
        DataSource ds = LogicalPostgres.dataSource(db);
        LogicalPostgres.execute(
                ds,
                "CREATE TABLE docs (id INT PRIMARY KEY, body TEXT, n INT)",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL");
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        try (PostgresChangeCapture capture = PostgresChangeCapture.builder(
                        LogicalPostgres.jdbcUrl(db), LogicalPostgres.USER, "")
                .name("toast")
                .table(TableMapping.table("docs").key("id"))
                .checkpoints(new InMemoryShardCheckpointStore())
                .into(target)
                .build()) {
            capture.start();
            LogicalPostgres.execute(ds, "INSERT INTO docs VALUES (1, repeat('x', 20000), 1)");
            await().atMost(Duration.ofSeconds(30)).until(() -> target.read("1").isPresent());
            LogicalPostgres.execute(ds, "TRUNCATE docs", "INSERT INTO docs VALUES (1, repeat('y', 20000), 1)");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> target.read("1")
                            .orElseThrow()
                            .payload()
                            .get("body")
                            .asText()
                            .startsWith("y"));
            LogicalPostgres.execute(ds, "UPDATE docs SET n = 2 WHERE id = 1");
            // the failure is recorded before the capture's thread has wound down: wait for both
            await().atMost(Duration.ofSeconds(30)).until(() -> capture.failure().isPresent() && !capture.isRunning());
            assertThat(capture.failure().get())
                    .hasMessageContaining("column 'body'")
                    .hasMessageContaining("public.docs")
                    .hasMessageContaining("REPLICA IDENTITY FULL");
            assertThat(capture.isRunning()).isFalse();
            assertThat(capture.counts().truncates()).isEqualTo(1);
            assertThat(target.read("1").orElseThrow().payload().get("body").asText())
                    .as("the insert before it landed; the update without its value did not")
                    .startsWith("yyy");
            assertThat(target.read("1").orElseThrow().payload().get("n").asInt())
                    .isEqualTo(1);
        }
        LogicalPostgres.execute(ds, "SELECT pg_drop_replication_slot('toast')");
    }

    @Test
    void theBuilderNamesBadAndMissingSettings() {
        assertThatThrownBy(() -> PostgresChangeCapture.builder("jdbc:mysql://h/db", "u", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'jdbc:mysql://h/db'");
        PostgresChangeCapture.Builder builder = PostgresChangeCapture.builder("jdbc:postgresql://h:5432/db", "u", "");
        assertThatThrownBy(() -> builder.slot("Bad-Slot")).hasMessageContaining("'Bad-Slot'");
        assertThatThrownBy(() -> builder.lease(Duration.ofMillis(10))).hasMessageContaining("PT0.01S");
        assertThatThrownBy(() -> builder.table(TableMapping.table("t"))).hasMessageContaining("no key columns");
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("table(...)")
                .hasMessageContaining("checkpoints(...)")
                .hasMessageContaining("into(...)");
        assertThatThrownBy(() -> TableMapping.table("a.b.c")).hasMessageContaining("'a.b.c'");
        assertThat(TableMapping.table("orders").key("a", "b").keyColumns()).isEqualTo(List.of("a", "b"));
    }

    private static long slots(DataSource ds) {
        try (var c = ds.getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery(
                        "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
