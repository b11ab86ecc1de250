package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.testsupport.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rows of the old table the source cannot read (version 0, negative, NULL) are never "rejected 0":
 * {@code backfill} and {@code reconcile} count and list them, in the table and in {@code -o json},
 * and exit 6; a repair leaves them in the report.
 */
class RejectedRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;

    @BeforeAll
    static void oldTableWithBadVersions() throws Exception {
        db = Stores.postgres("cli_rejected");
        OldTables.jdbc(db, "old_orders", 10);
        OldTables.sql(
                db,
                "ALTER TABLE old_orders ALTER COLUMN version DROP NOT NULL",
                "UPDATE old_orders SET version = 0 WHERE id = 'k0003'",
                "UPDATE old_orders SET version = -2 WHERE id = 'k0004'",
                "UPDATE old_orders SET version = NULL WHERE id = 'k0005'");
    }

    private static List<String> sides(String target) {
        return OldTables.jdbcSides(db, "old_orders", target);
    }

    @Test
    void aBackfillListsItsRejectedRowsAndExitsSix() throws Exception {
        Result json = Cli.run(
                sides("new_json"),
                "backfill",
                "--backfill-id",
                "rejected_json",
                "--create-target",
                "--source-segments",
                "2",
                "--batch-size",
                "3",
                "--progress",
                "none",
                "-o",
                "json");
        assertThat(json.code()).as("%s", json).isEqualTo(6);
        JsonNode r = JSON.readTree(json.out());
        assertThat(r.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(r.at("/counts/read").asLong()).isEqualTo(10);
        assertThat(r.at("/counts/applied").asLong()).isEqualTo(7);
        assertThat(r.at("/counts/rejected").asLong()).isEqualTo(3);
        assertThat(r.get("rejections")).hasSize(3);
        assertThat(r.get("rejections").findValuesAsText("key")).containsExactlyInAnyOrder("k0003", "k0004", "k0005");
        assertThat(r.get("rejections").findValuesAsText("step")).containsOnly("SOURCE");
        assertThat(r.get("rejections").findValuesAsText("reason"))
                .containsExactlyInAnyOrder(
                        "version column version is 0, below 1",
                        "version column version is -2, below 1",
                        "version column version is NULL");
        assertThat(r.get("truncated").asBoolean()).isFalse();

        Result table = Cli.run(
                sides("new_table"),
                "backfill",
                "--backfill-id",
                "rejected_table",
                "--create-target",
                "--progress",
                "none");
        assertThat(table.code()).as("%s", table).isEqualTo(6);
        assertThat(table.out())
                .contains("read 10, applied 7")
                .contains("rejected 3, collisions 0")
                .contains("rejected k0003 (source): version column version is 0, below 1")
                .contains("rejected k0005 (source): version column version is NULL");
    }

    @Test
    void aReconciliationReportsRejectedRowsAsNotMigratedEvenAfterARepair() throws Exception {
        Result copied = Cli.run(
                sides("new_reconciled"),
                "backfill",
                "--backfill-id",
                "rejected_reconciled",
                "--create-target",
                "--progress",
                "none");
        assertThat(copied.code()).as("%s", copied).isEqualTo(6);

        Result table = Cli.run(sides("new_reconciled"), "reconcile", "--recheck-after", "0");
        assertThat(table.code()).as("%s", table).isEqualTo(6);
        assertThat(table.out())
                .contains("reconciliation found differences")
                .contains("rows: 7 old, 7 new")
                .contains("rejected (not migrated): 3")
                .contains("rejected (old, not migrated): k0004: version column version is -2, below 1");

        Result json = Cli.run(sides("new_reconciled"), "reconcile", "--recheck-after", "0", "-o", "json");
        assertThat(json.code()).as("%s", json).isEqualTo(6);
        JsonNode report = JSON.readTree(json.out()).get("report");
        assertThat(report.get("clean").asBoolean()).isFalse();
        assertThat(report.at("/counts/rejected").asLong()).isEqualTo(3);
        assertThat(report.at("/counts/missingInNew").asLong()
                        + report.at("/counts/extraInNew").asLong())
                .isZero();
        assertThat(report.get("rejected").findValuesAsText("key")).containsExactly("k0003", "k0004", "k0005");
        assertThat(report.get("rejected").findValuesAsText("side")).containsOnly("old");

        Result repaired = Cli.run(
                sides("new_reconciled"),
                "reconcile",
                "--recheck-after",
                "0",
                "--repair",
                "--direction",
                "old-to-new",
                "-o",
                "json");
        assertThat(repaired.code()).as("a repair cannot fix them: %s", repaired).isEqualTo(6);
        JsonNode r = JSON.readTree(repaired.out());
        assertThat(r.at("/repair/keys").asLong()).isZero();
        assertThat(r.at("/afterRepair/clean").asBoolean()).isFalse();
        assertThat(r.at("/afterRepair/counts/rejected").asLong()).isEqualTo(3);

        Result repairedTable = Cli.run(
                sides("new_reconciled"), "reconcile", "--recheck-after", "0", "--repair", "--direction", "old-to-new");
        assertThat(repairedTable.code()).as("%s", repairedTable).isEqualTo(6);
        assertThat(repairedTable.out()).contains("3 rejected rows are not repaired");
    }

    @Test
    void theHelpNamesTheExitCodeOfRejectedRows() {
        // help paragraphs wrap at word boundaries: compare with the line breaks as spaces
        assertThat(oneLine(Cli.run("backfill", "--help").out())).contains("6 done but rows were rejected");
        assertThat(oneLine(Cli.run("reconcile", "--help").out())).contains("6 differences or rejected rows remain");
        assertThat(oneLine(Cli.run("--help").out())).contains("(rejected, not migrated)");
    }

    private static String oneLine(String help) {
        return help.replaceAll("\\s+", " ");
    }
}
