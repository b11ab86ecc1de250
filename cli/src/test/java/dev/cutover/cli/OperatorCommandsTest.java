package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.testsupport.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The operator's commands from an empty database: {@code flags init}, {@code flags delete}, dry
 * runs that write nothing, the per-key ramp, completion, and errors as JSON under {@code -o json}.
 */
class OperatorCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> emptyPostgres(String hint) {
        TestDatabase db = Stores.postgres(hint);
        return List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user());
    }

    private static Result run(List<String> store, int code, String... args) {
        Result r = Cli.run(store, args);
        assertThat(r.code()).as("%s", r).isEqualTo(code);
        return r;
    }

    private static List<String> with(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void initCreatesTheTablesOnceAndSaysSo() {
        List<String> store = emptyPostgres("cli_init");
        Result before = run(store, 1, "flags", "list");
        assertThat(before.err())
                .contains(
                        "has no flag tables yet (cutover_revision is missing); create them with 'cutover flags init'");

        Result first = run(store, 0, "flags", "init", "--journal");
        assertThat(first.out())
                .contains("created 6 of 6 tables")
                .contains("cutover_flags: created")
                .contains("cutover_revision: created")
                .contains("cutover_audit: created")
                .contains("cutover_instances: created")
                .contains("cutover_failed_writes: created")
                .contains("cutover_gaps: created");
        Result again = run(store, 0, "flags", "init", "--journal", "-o", "json");
        JsonNode tables = readJson(again.out()).get("tables");
        assertThat(tables).hasSize(6);
        tables.forEach(t -> assertThat(t.get("created").asBoolean()).as("%s", t).isFalse());

        assertThat(run(store, 0, "flags", "list").out()).contains("0 flags");
        // the journal is there: a move past SHADOW reads it without --no-journal-check
        for (int i = 0; i < 3; i++) {
            run(store, 0, "stage", "m", "--next", "--actor", "a", "--reason", "r");
        }
        assertThat(run(store, 0, "stage", "m").out()).contains("serves LIVE");
    }

    @Test
    void initCreatesTheDynamoDbTable() {
        String table = Stores.freshTable("cli-init");
        List<String> store = with(
                List.of("--dynamodb-table", table), Stores.dynamoDbOptions().toArray(String[]::new));
        assertThat(run(store, 0, "flags", "init").out())
                .contains(table + ": created")
                .contains(table + "-instances: created");
        assertThat(run(store, 0, "flags", "init").out())
                .contains(table + ": exists already")
                .contains(table + "-instances: exists already");
        try (DynamoDbClient client = Stores.dynamoDbClient()) {
            assertThat(client.describeTable(b -> b.tableName(table)).table().tableName())
                    .isEqualTo(table);
        }
        assertThat(run(store, 2, "flags", "init", "--journal").err())
                .contains("--journal creates the journal in the flag store's JDBC database");
    }

    @Test
    void dryRunsCheckEverythingAndWriteNothing() throws Exception {
        List<String> store = emptyPostgres("cli_dry");
        run(store, 0, "flags", "init", "--journal");
        run(store, 0, "flags", "set", "f", "--on", "--actor", "a", "--reason", "create");

        Result dry =
                run(store, 0, "flags", "set", "f", "--rollout", "25", "--dry-run", "--actor", "a", "--reason", "r");
        assertThat(dry.out())
                .startsWith("dry run, nothing written: would write flag 'f' version 1 -> version 2")
                .contains("rollout true 25% / false 75%");
        assertThat(version(store, "f")).isEqualTo(1);
        // a dry run still refuses what the write would refuse
        assertThat(run(
                                store,
                                3,
                                "flags",
                                "set",
                                "f",
                                "--off",
                                "--expect-version",
                                "7",
                                "--dry-run",
                                "--actor",
                                "a",
                                "--reason",
                                "r")
                        .err())
                .contains("expected version 7 but the store has version 1");

        Result stageDry = run(store, 0, "stage", "m", "--next", "--dry-run", "--actor", "a", "--reason", "r");
        assertThat(stageDry.out())
                .startsWith("dry run, nothing written: would move stage flag 'm': OLD_ONLY -> DUAL_WRITE");
        assertThat(run(store, 0, "stage", "m").out()).contains("serves OLD_ONLY (absent: OLD_ONLY)");
        assertThat(run(store, 4, "stage", "m", "--to", "LIVE", "--dry-run", "--actor", "a", "--reason", "r")
                        .err())
                .contains("stages move one step at a time");
        assertThat(run(store, 2, "stage", "m", "--dry-run").err()).contains("--dry-run needs a move");

        run(store, 0, "flags", "delete", "f", "--dry-run", "--actor", "a", "--reason", "r");
        assertThat(version(store, "f")).isEqualTo(1);
    }

    @Test
    void rampMovesAShareOfKeysAndNextCompletesIt() throws Exception {
        List<String> store = emptyPostgres("cli_ramp");
        run(store, 0, "flags", "init", "--journal");
        run(store, 0, "stage", "m", "--next", "--actor", "a", "--reason", "dual writes");
        Result ramp = run(store, 0, "stage", "m", "--next", "--ramp", "10", "--actor", "a", "--reason", "canary");
        assertThat(ramp.out()).contains("DUAL_WRITE -> SHADOW 10% + DUAL_WRITE 90%");
        assertThat(run(store, 0, "stage", "m").out())
                .contains("serves DUAL_WRITE + SHADOW")
                .contains("next: SHADOW, back: DUAL_WRITE");
        assertThat(run(store, 0, "stage", "m", "--to", "SHADOW", "--ramp", "50", "--actor", "a", "--reason", "half")
                        .out())
                .contains("SHADOW 50% + DUAL_WRITE 50%");
        assertThat(run(store, 2, "stage", "m", "--next", "--ramp", "150", "--actor", "a", "--reason", "r")
                        .err())
                .contains("--ramp");
        assertThat(run(store, 2, "stage", "m", "--back", "--ramp", "5", "--actor", "a", "--reason", "r")
                        .err())
                .contains("--back cancels a ramp under way");
        run(store, 0, "stage", "m", "--next", "--actor", "a", "--reason", "complete");
        assertThat(run(store, 0, "stage", "m").out()).contains("serves SHADOW (version 4)");
    }

    @Test
    void deleteIsAuditedAndRefusesAStageFlagMidMigration() throws Exception {
        List<String> store = emptyPostgres("cli_delete");
        run(store, 0, "flags", "init");
        assertThat(run(store, 5, "flags", "delete", "nope", "--actor", "a", "--reason", "r")
                        .err())
                .contains("flag 'nope' does not exist");
        run(store, 0, "flags", "set", "f", "--on", "--actor", "a", "--reason", "create");
        Result deleted = run(store, 0, "flags", "delete", "f", "--actor", "bob", "--reason", "INC-1 retire");
        assertThat(deleted.out())
                .contains("deleted flag 'f' at version 1")
                .contains("cutover flags rollback f --to-version 1");
        assertThat(run(store, 5, "flags", "get", "f").err()).contains("does not exist");
        assertThat(run(store, 0, "flags", "history", "f").out()).contains("bob").contains("INC-1 retire");

        run(store, 0, "stage", "m", "--next", "--actor", "a", "--reason", "dual writes");
        Result refused = run(store, 4, "flags", "delete", "m", "--actor", "a", "--reason", "r");
        assertThat(refused.err())
                .contains("is a stage flag serving DUAL_WRITE")
                .contains("add --force")
                .contains("nothing was written");
        assertThat(run(store, 0, "stage", "m").out()).contains("serves DUAL_WRITE");
        run(store, 0, "flags", "delete", "m", "--force", "--actor", "a", "--reason", "abandon the migration");
        assertThat(run(store, 0, "stage", "m").out()).contains("(absent: OLD_ONLY)");
    }

    @Test
    void theKillSwitchTurnsTheFlagOffNowAndCancelsTheScheduledChange() throws Exception {
        List<String> store = emptyPostgres("cli_kill");
        run(store, 0, "flags", "init");
        run(store, 0, "flags", "set", "f", "--on", "--actor", "a", "--reason", "create");
        run(store, 0, "flags", "set", "f", "--rollout", "10", "--actor", "a", "--reason", "canary");
        Instant at = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        run(
                store,
                0,
                "flags",
                "set",
                "f",
                "--rollout",
                "90",
                "--effective-at",
                at.toString(),
                "--actor",
                "a",
                "--reason",
                "scheduled");
        Result kill = run(store, 0, "flags", "set", "f", "--off", "--actor", "oncall", "--reason", "INC-9 errors");
        assertThat(kill.out())
                .contains("flag 'f' version 3 -> version 4: off")
                .contains("cancelled the change scheduled at " + at);
        JsonNode flag =
                readJson(run(store, 0, "flags", "get", "f", "-o", "json").out()).get("flag");
        assertThat(flag.get("on").asBoolean()).isFalse();
        assertThat(flag.has("effectiveAt")).as("%s", flag).isFalse();
        assertThat(flag.get("previous")).as("%s", flag).isNull();
        // the definition served before the schedule is kept, only switched off
        assertThat(run(store, 0, "flags", "set", "f", "--on", "--actor", "oncall", "--reason", "fixed")
                        .out())
                .contains("version 4 -> version 5: on, rollout true 10% / false 90%");
    }

    @Test
    void errorsAreJsonOnStandardOutputUnderOutputJson() throws Exception {
        List<String> store = emptyPostgres("cli_json");
        run(store, 0, "flags", "init");
        Result parse =
                run(store, 2, "flags", "set", "f", "--rollout", "150", "--actor", "a", "--reason", "r", "-o", "json");
        JsonNode e = readJson(parse.out());
        assertThat(e.get("code").asInt()).isEqualTo(2);
        assertThat(e.get("option").asText()).isEqualTo("--rollout");
        assertThat(e.get("error").asText()).contains("150");
        assertThat(parse.err()).contains("error: Invalid value for option '--rollout'");

        Result notFound = run(store, 5, "flags", "get", "nope", "--output=json");
        JsonNode nf = readJson(notFound.out());
        assertThat(nf.get("code").asInt()).isEqualTo(5);
        assertThat(nf.get("option").isNull()).isTrue();
        assertThat(nf.get("error").asText()).contains("flag 'nope' does not exist");

        Result unknown = run(store, 2, "flags", "list", "--bogus", "-o", "json");
        assertThat(readJson(unknown.out()).get("option").asText()).isEqualTo("--bogus");
        assertThat(unknown.err()).doesNotContain("Error: Error").doesNotContain("error: Error:");

        Result plain = run(store, 5, "flags", "get", "nope");
        assertThat(plain.out()).isEmpty();
    }

    @Test
    void completionCoversEveryCommandForBashAndZsh() {
        Result r = run(List.of(), 0, "completion");
        assertThat(r.out())
                .contains("complete -F _complete_cutover")
                .contains("bashcompinit")
                .contains("backfill")
                .contains("--create-target")
                .contains("delete")
                .contains("--dry-run");
    }

    @Test
    void helpWrapsAtWordsAndMarksActorAndReasonRequired() {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine(Map.of());
        cmd.setOut(new PrintWriter(out, true));
        cmd.getSubcommands().get("flags").getSubcommands().get("set").setUsageHelpWidth(60);
        assertThat(cmd.execute("flags", "set", "--help")).isZero();
        String help = out.toString();
        assertThat(help).contains("--actor=WHO").contains("--reason=WHY");
        String usage = help.substring(0, help.indexOf("\n\n") > 0 ? help.indexOf("\n\n") : help.length());
        assertThat(usage.replaceAll("\\s+", " "))
                .contains("--actor=WHO")
                .doesNotContain("[--actor=WHO]")
                .doesNotContain("[--reason=WHY]");
        for (String line : help.split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(60);
            // a word is never split across lines: every line ends at a word boundary
            assertThat(line).doesNotMatch(".*[A-Za-z]-$");
        }
    }

    private static long version(List<String> store, String key) throws Exception {
        return readJson(run(store, 0, "flags", "get", key, "-o", "json").out())
                .get("version")
                .asLong();
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
