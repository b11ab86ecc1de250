package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.replication.Change;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.testsupport.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backfill and reconcile from a plain PostgreSQL table into a versioned PostgreSQL table, end to end. */
class BackfillAndReconcileJdbcTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<String> sides(TestDatabase db, String... more) {
        List<String> args = OldTables.jdbcSides(db, "old_orders", "new_orders");
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void backfillsWithProgressThenReconcilesFindsDriftAndRepairsIt() throws Exception {
        TestDatabase db = Stores.postgres("cli_backfill");
        OldTables.jdbc(db, "old_orders", 1000);
        Path report = dir.resolve("backfill.json");
        Result copied = Cli.run(
                sides(db),
                "backfill",
                "--backfill-id",
                "orders_v2",
                "--create-target",
                "--source-segments",
                "4",
                "--batch-size",
                "50",
                "--progress",
                "lines",
                "--progress-interval",
                "0",
                "--report",
                report.toString());
        assertThat(copied.code()).as("%s", copied).isZero();
        assertThat(copied.out())
                .contains("backfill orders_v2 COMPLETED")
                .contains("segments 4/4")
                .contains("read 1,000, applied 1,000, already newer 0, duplicate 0, rejected 0, collisions 0");
        assertThat(copied.err())
                .doesNotContain("\r")
                .contains("backfill orders_v2: ")
                .contains("100% 1,000/1,000 rows")
                .contains("segments 4/4");
        assertThat(copied.err()
                        .lines()
                        .filter(l -> l.startsWith("backfill orders_v2: "))
                        .count())
                .as("a line per page")
                .isGreaterThanOrEqualTo(20);
        JsonNode json = JSON.readTree(report.toFile());
        assertThat(json.get("schema").asText()).isEqualTo("cutover.backfill/1");
        assertThat(json.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json.at("/counts/applied").asLong()).isEqualTo(1000);

        Result again = Cli.run(sides(db), "backfill", "--backfill-id", "orders_v2", "--progress", "none", "-o", "json");
        assertThat(again.code()).as("%s", again).isZero();
        assertThat(JSON.readTree(again.out()).at("/counts/read").asLong())
                .as("a finished backfill reads nothing")
                .isZero();

        Result clean = Cli.run(sides(db), "reconcile", "--recheck-after", "0");
        assertThat(clean.code()).as("%s", clean).isZero();
        assertThat(clean.out()).contains("reconciliation clean").contains("rows: 1000 old, 1000 new");

        OldTables.sql(
                db,
                "UPDATE old_orders SET version = 2, name = 'renamed' WHERE id = 'k0010'",
                "DELETE FROM old_orders WHERE id = 'k0020'",
                "INSERT INTO old_orders VALUES ('k5000', 1, 'late', 5)");
        Path found = dir.resolve("reconciliation.json");
        Result drift = Cli.run(sides(db), "reconcile", "--recheck-after", "0", "--report", found.toString());
        assertThat(drift.code()).as("%s", drift).isEqualTo(6);
        assertThat(drift.out())
                .contains("reconciliation found differences")
                .contains("missing in new: 1, extra in new: 1, different: 1")
                .contains("missing in new: k5000")
                .contains("extra in new: k0020")
                .contains("different: k0010 at /name, /version");
        JsonNode reconciliation = JSON.readTree(found.toFile());
        assertThat(reconciliation.get("schema").asText()).isEqualTo("cutover.reconciliation/1");
        assertThat(reconciliation.at("/counts/different").asLong()).isEqualTo(1);

        Result plainOld =
                Cli.run(sides(db), "reconcile", "--recheck-after", "0", "--repair", "--direction", "new-to-old");
        assertThat(plainOld.code()).as("%s", plainOld).isEqualTo(4);
        assertThat(plainOld.err())
                .contains("the old table must be in the versioned layout (--source-versioned)")
                .contains("Nothing was repaired");

        Result repaired = Cli.run(
                sides(db), "reconcile", "--recheck-after", "0", "--repair", "--direction", "old-to-new", "-o", "json");
        assertThat(repaired.code()).as("%s", repaired).isZero();
        JsonNode r = JSON.readTree(repaired.out());
        assertThat(r.at("/repair/upserted").asLong()).isEqualTo(2);
        assertThat(r.at("/repair/deleted").asLong()).isEqualTo(1);
        assertThat(r.at("/afterRepair/clean").asBoolean()).isTrue();
        assertThat(r.at("/report/clean").asBoolean()).isFalse();
        Result after = Cli.run(sides(db), "reconcile", "--recheck-after", "0", "--repair", "--direction", "old-to-new");
        assertThat(after.code()).as("%s", after).isZero();
        assertThat(after.out()).contains("reconciliation clean").contains("nothing to repair");
    }

    @Test
    void aFailedBackfillResumesFromItsCheckpoints() throws Exception {
        TestDatabase db = Stores.postgres("cli_resume");
        OldTables.jdbc(db, "old_orders", 1000);
        JdbcVersionedTarget.builder(db.dataSource()).table("new_orders").build().createTableIfMissing();
        // the new store refuses one row of the third segment, as a store failing mid-copy would
        OldTables.sql(
                db,
                "CREATE FUNCTION refuse_k0700() RETURNS trigger AS $$ BEGIN IF NEW.entity_key = 'k0700'"
                        + " THEN RAISE EXCEPTION 'k0700 refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON new_orders FOR EACH ROW EXECUTE FUNCTION refuse_k0700()");
        Result failed = Cli.run(
                sides(db),
                "backfill",
                "--backfill-id",
                "resumed",
                "--source-segments",
                "4",
                "--batch-size",
                "50",
                "--progress",
                "none");
        assertThat(failed.code()).as("%s", failed).isEqualTo(1);
        assertThat(failed.err())
                .contains("backfill 'resumed' failed")
                .contains("k0700 refused")
                .contains("run the same command again to resume");

        OldTables.sql(db, "DROP TRIGGER refuse ON new_orders");
        Result resumed = Cli.run(
                sides(db),
                "backfill",
                "--backfill-id",
                "resumed",
                "--source-segments",
                "7",
                "--batch-size",
                "50",
                "--progress",
                "lines",
                "--progress-interval",
                "0",
                "-o",
                "json");
        assertThat(resumed.code()).as("%s", resumed).isZero();
        assertThat(resumed.err())
                .containsPattern("resuming backfill resumed: [0-3] of 4 segments done, [0-9,]+ rows read before");
        JsonNode json = JSON.readTree(resumed.out());
        long before = json.get("rowsReadBefore").asLong();
        assertThat(before)
                .as("the pages copied before the row refused (segments are claimed in any order)")
                .isBetween(50L, 950L);
        assertThat(json.at("/counts/read").asLong())
                .as("the rest, and at most the page that failed again")
                .isBetween(1000 - before, 1000 - before + 50);
        assertThat(json.at("/counts/applied").asLong()
                        + json.at("/counts/duplicate").asLong())
                .isEqualTo(json.at("/counts/read").asLong());
        assertThat(json.get("segmentsTotal").asInt())
                .as("the boundaries of the first run")
                .isEqualTo(4);
        JdbcVersionedTarget target =
                JdbcVersionedTarget.builder(db.dataSource()).table("new_orders").build();
        assertThat(target.read("k0700")).get().extracting(Change::version).isEqualTo(1L);
        assertThat(Cli.run(sides(db), "reconcile", "--recheck-after", "0").code())
                .isZero();
    }

    @Test
    void repairsNewToOldWhenTheOldTableIsVersioned() throws Exception {
        TestDatabase db = Stores.postgres("cli_repair_back");
        JdbcVersionedTarget old =
                JdbcVersionedTarget.builder(db.dataSource()).table("old_v").build();
        JdbcVersionedTarget neu =
                JdbcVersionedTarget.builder(db.dataSource()).table("new_v").build();
        old.createTableIfMissing();
        neu.createTableIfMissing();
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(Change.upsert(OldTables.key(i), 1, JSON.createObjectNode().put("n", i)));
        }
        old.apply(rows);
        neu.apply(rows);
        neu.apply(List.of(
                Change.upsert(OldTables.key(3), 2, JSON.createObjectNode().put("n", 333)),
                Change.delete(OldTables.key(4), 2)));
        List<String> args = List.of(
                "--source-jdbc-url",
                db.jdbcUrl(),
                "--source-user",
                db.user(),
                "--source-table",
                "old_v",
                "--source-versioned",
                "--target-jdbc-url",
                db.jdbcUrl(),
                "--target-user",
                db.user(),
                "--target-table",
                "new_v");
        Result repaired = Cli.run(args, "reconcile", "--recheck-after", "0", "--repair", "--direction", "new-to-old");
        assertThat(repaired.code()).as("%s", repaired).isZero();
        assertThat(repaired.out())
                .contains("extra in new: 0, different: 1")
                .contains("missing in new: 1")
                .contains("repair new-to-old: 2 keys, 1 upserted, 1 deleted")
                .contains("after repair: reconciliation clean");
        assertThat(old.read(OldTables.key(3))).get().extracting(Change::version).isEqualTo(2L);
        assertThat(old.read(OldTables.key(4)))
                .get()
                .extracting(Change::isDelete)
                .isEqualTo(true);
    }

    @Test
    void badReplicationArgumentsAreNamed() throws Exception {
        TestDatabase db = Stores.postgres("cli_repl_args");
        OldTables.jdbc(db, "old_orders", 3);
        assertUsage(Cli.run(sides(db), "reconcile", "--repair"), "--repair needs --direction old-to-new or new-to-old");
        assertUsage(
                Cli.run(sides(db), "reconcile", "--repair", "--direction", "sideways"),
                "Invalid value for option '--direction'",
                "old-to-new",
                "new-to-old",
                "but was 'sideways'");
        assertUsage(Cli.run(sides(db), "reconcile", "--direction", "old-to-new"), "--direction is for --repair");
        assertUsage(
                Cli.run(sides(db), "backfill", "--backfill-id", "Orders-V2"),
                "Invalid value for option '--backfill-id'",
                "but was 'Orders-V2'");
        assertUsage(
                Cli.run(sides(db), "backfill", "--backfill-id", "b", "--progress", "fancy"),
                "expected one of auto, bar, lines, none but was 'fancy'");
        assertUsage(
                Cli.run(sides(db), "backfill", "--backfill-id", "b", "--workers", "0", "--create-target"),
                "Invalid value for option '--workers': expected 1 to 64 but was '0'");
        assertUsage(
                Cli.run(
                        List.of(
                                "--source-jdbc-url",
                                db.jdbcUrl(),
                                "--source-table",
                                "old_orders",
                                "--target-jdbc-url",
                                db.jdbcUrl(),
                                "--target-table",
                                "new_orders"),
                        "reconcile"),
                "a plain old table needs --source-key and --source-version");
        assertUsage(
                Cli.run(
                        List.of(
                                "--source-jdbc-url",
                                db.jdbcUrl(),
                                "--source-key",
                                "id",
                                "--source-version",
                                "version",
                                "--target-jdbc-url",
                                db.jdbcUrl()),
                        "reconcile"),
                "--source-jdbc-url needs --source-table",
                "--target-jdbc-url needs --target-table");
        assertUsage(
                Cli.run(sides(db, "--source-segments", "0"), "reconcile"),
                "Invalid value for option '--source-segments': expected 1 to 4096 but was '0'");
        assertUsage(
                Cli.run(
                        List.of(
                                "--source-jdbc-url",
                                db.jdbcUrl(),
                                "--source-user",
                                db.user(),
                                "--source-table",
                                "old orders",
                                "--source-key",
                                "id",
                                "--source-version",
                                "version",
                                "--target-jdbc-url",
                                db.jdbcUrl(),
                                "--target-user",
                                db.user(),
                                "--target-table",
                                "new_orders"),
                        "reconcile"),
                "but was 'old orders'");
        assertThat(Files.list(dir)).isEmpty();
    }

    private static void assertUsage(Result r, String... fragments) {
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).as("%s", r).contains(fragments).contains("--help");
    }
}
