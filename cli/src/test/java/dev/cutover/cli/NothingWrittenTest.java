package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A command that fails leaves every database exactly as it was: each case snapshots the whole
 * PostgreSQL database ({@link DatabaseSnapshot}: schema and every row) before and after the failing
 * invocation and asserts them equal, with the exact exit code and a message naming the cause. Every
 * failing backfill is also run with {@code --create-target}, which must create neither the new
 * table nor the checkpoint tables when the command fails.
 */
class NothingWrittenTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A backfill case: what to change in a valid invocation, the exit code and what the message says. */
    record BackfillCase(String name, int code, List<String> says, Consumer<Invocation> change) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A valid backfill invocation from {@code old_orders} into the absent {@code new_orders}, as options. */
    static final class Invocation {
        final TestDatabase db;
        final List<String> args = new ArrayList<>();

        Invocation(TestDatabase db) {
            this.db = db;
            set("--source-jdbc-url", db.jdbcUrl());
            set("--source-user", db.user());
            set("--source-table", "old_orders");
            set("--source-key", "id");
            set("--source-version", "version");
            set("--target-jdbc-url", db.jdbcUrl());
            set("--target-user", db.user());
            set("--target-table", "new_orders");
            set("--backfill-id", "orders_v2");
            set("--progress", "none");
        }

        Invocation set(String option, String value) {
            int at = args.indexOf(option);
            if (at >= 0) {
                args.set(at + 1, value);
            } else {
                args.add(option);
                args.add(value);
            }
            return this;
        }
    }

    static Stream<Arguments> failingBackfills() {
        List<BackfillCase> cases = List.of(
                new BackfillCase(
                        "--workers 0",
                        2,
                        List.of("Invalid value for option '--workers': expected 1 to 64 but was '0'"),
                        i -> i.set("--workers", "0")),
                new BackfillCase(
                        "--batch-size -1",
                        2,
                        List.of("Invalid value for option '--batch-size': expected 1 to 10000 but was '-1'"),
                        i -> i.set("--batch-size", "-1")),
                new BackfillCase(
                        "an unreachable old database",
                        1,
                        List.of("cannot connect to jdbc:postgresql://127.0.0.1:1/nope", "nothing was written"),
                        i -> i.set("--source-jdbc-url", "jdbc:postgresql://127.0.0.1:1/nope")),
                new BackfillCase(
                        "a missing old table",
                        2,
                        List.of("the old table 'no_such_orders' does not exist", "--source-table"),
                        i -> i.set("--source-table", "no_such_orders")),
                new BackfillCase(
                        "a key column the old table lacks",
                        2,
                        List.of(
                                "Invalid value for option '--source-key': table 'old_orders' has no column 'order_id'",
                                "its columns: id, version, name, amount"),
                        i -> i.set("--source-key", "order_id")),
                new BackfillCase(
                        "a text version column",
                        2,
                        List.of("Invalid value for option '--source-version': column 'version' of table"
                                + " 'text_versions' is varchar, not an integer type"),
                        i -> i.set("--source-table", "text_versions")),
                new BackfillCase(
                        "a wrong password",
                        1,
                        List.of("cannot connect to", "password authentication failed", "nothing was written"),
                        i -> i.set("--source-user", PasswordRole.NAME).set("--source-password", "wrong")));
        List<Arguments> all = new ArrayList<>();
        for (BackfillCase c : cases) {
            all.add(Arguments.of(c, false));
            all.add(Arguments.of(c, true));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, --create-target {1}")
    @MethodSource("failingBackfills")
    void aFailingBackfillWritesNothing(BackfillCase c, boolean createTarget) throws Exception {
        TestDatabase db = Stores.postgres("nw_backfill");
        OldTables.jdbc(db, "old_orders", 20);
        OldTables.sql(
                db,
                "CREATE TABLE text_versions (id VARCHAR(16) PRIMARY KEY, version VARCHAR(16) NOT NULL, name TEXT)",
                "INSERT INTO text_versions VALUES ('k1', '1', 'one'), ('k2', '2', 'two')");
        if (c.name().contains("password")) {
            PasswordRole.ensure(db);
        }
        Invocation invocation = new Invocation(db);
        c.change().accept(invocation);
        List<String> args = new ArrayList<>(List.of("backfill"));
        args.addAll(invocation.args);
        if (createTarget) {
            args.add("--create-target");
        }
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        Result r = Cli.run(args.toArray(String[]::new));

        assertThat(r.code()).as("%s", r).isEqualTo(c.code());
        assertThat(r.err()).as("%s", r).contains(c.says());
        DatabaseSnapshot after = DatabaseSnapshot.of(db);
        assertThat(after).isEqualTo(before);
        assertThat(after.tableNames())
                .as("no new table and no checkpoint tables")
                .doesNotContain("new_orders")
                .noneMatch(t -> t.startsWith("cutover_backfill"));
    }

    @Test
    void aBackfillIntoAMissingTableWithoutCreateTargetSaysToAddIt() throws Exception {
        TestDatabase db = Stores.postgres("nw_no_target");
        OldTables.jdbc(db, "old_orders", 20);
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        Result r = Cli.run(new Invocation(db).args, "backfill");

        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err())
                .as("%s", r)
                .contains("the new table 'new_orders' does not exist")
                .contains("add --create-target to create it")
                .contains("nothing was written");
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);
    }

    @Test
    void reconcileAgainstAMissingNewTableWritesNothing() throws Exception {
        TestDatabase db = Stores.postgres("nw_rec_missing");
        OldTables.jdbc(db, "old_orders", 20);
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        Result r = Cli.run(reconcile(db, "new_orders"));

        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err())
                .as("%s", r)
                .contains("error: the new table 'new_orders' does not exist")
                .contains("nothing was written");
        JsonNode json = json(Cli.run(reconcile(db, "new_orders", "-o", "json")));
        assertThat(json.get("code").asInt()).isEqualTo(2);
        assertThat(json.get("option").asText()).isEqualTo("--target-table");
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);
    }

    @Test
    void reconcileAgainstAPlainNewTableWritesNothing() throws Exception {
        TestDatabase db = Stores.postgres("nw_rec_plain");
        OldTables.jdbc(db, "old_orders", 20);
        OldTables.jdbc(db, "plain_orders", 5);
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        Result r = Cli.run(reconcile(db, "plain_orders", "--repair", "--direction", "old-to-new"));

        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err())
                .as("%s", r)
                .contains("the new table 'plain_orders' is not in the versioned layout")
                .contains("it has no column entity_key, bucket, deleted, applied_at")
                .contains("nothing was written");
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);
    }

    @Test
    void anActorOrReasonTooLongIsNamedAndNothingIsWritten() throws Exception {
        TestDatabase db = flagStore("nw_audit");
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        Result actor = Cli.run(store(db, "flags", "set", "f", "--off", "--actor", "a".repeat(201), "--reason", "r"));
        assertThat(actor.code()).as("%s", actor).isEqualTo(2);
        assertThat(actor.err())
                .as("%s", actor)
                .contains("Invalid value for option '--actor': expected at most 200 characters")
                .contains("(201 characters)");

        Result reason = Cli.run(store(db, "flags", "set", "f", "--off", "--actor", "a", "--reason", "r".repeat(2001)));
        assertThat(reason.code()).as("%s", reason).isEqualTo(2);
        assertThat(reason.err())
                .as("%s", reason)
                .contains("Invalid value for option '--reason': expected at most 2000 characters")
                .contains("(2001 characters)");
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);
    }

    @Test
    void variantsOnAnExistingFlagSaysWhyNothingIsSet() throws Exception {
        TestDatabase db = flagStore("nw_variants");
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        Result r = Cli.run(store(db, "flags", "set", "f", "--variants", "a,b", "--actor", "a", "--reason", "r"));

        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err())
                .as("%s", r)
                .contains("--variants only creates a flag, and flag 'f' exists (version 1, variants")
                .contains("nothing to set");
        JsonNode json = json(Cli.run(
                store(db, "flags", "set", "f", "--variants", "a,b", "--actor", "a", "--reason", "r", "-o", "json")));
        assertThat(json.get("option").asText()).isEqualTo("--variants");
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);
    }

    @Test
    void emptyVariantNamesAreRefusedNotDropped() throws Exception {
        TestDatabase db = flagStore("nw_empty_variants");
        DatabaseSnapshot before = DatabaseSnapshot.of(db);
        for (String given : List.of(",", "a,", ",b", "a,,b", " ")) {
            Result r =
                    Cli.run(store(db, "flags", "set", "fresh", "--variants", given, "--actor", "a", "--reason", "r"));
            assertThat(r.code()).as("--variants %s: %s", given, r).isEqualTo(2);
            assertThat(r.err()).as("%s", r).contains("Invalid value for option '--variants'");
        }
        assertThat(DatabaseSnapshot.of(db)).as("no flag 'fresh' was created").isEqualTo(before);
    }

    @Test
    void aMalformedJournalUrlIsRefusedEvenWhenTheMoveDoesNotReadTheJournal() throws Exception {
        TestDatabase db = flagStore("nw_journal_url");
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        // OLD_ONLY -> DUAL_WRITE reads no journal, but a value given is still checked before writing
        Result r = Cli.run(store(
                db, "stage", "m", "--next", "--journal-jdbc-url", "jdbc:nope:x", "--actor", "a", "--reason", "r"));

        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err())
                .as("%s", r)
                .contains("Invalid value for option '--journal-jdbc-url'")
                .contains("'jdbc:nope:x' is not a JDBC URL of a supported database");
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);
    }

    @Test
    void theKillSwitchWhileAChangeIsScheduledCancelsItAndWritesOnlyTheFlag() throws Exception {
        TestDatabase db = flagStore("nw_kill");
        Instant at = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Result scheduled = Cli.run(store(
                db,
                "flags",
                "set",
                "f",
                "--on",
                "--rollout",
                "50",
                "--effective-at",
                at.toString(),
                "--actor",
                "a",
                "--reason",
                "scheduled"));
        assertThat(scheduled.code()).as("%s", scheduled).isZero();
        DatabaseSnapshot before = DatabaseSnapshot.of(db);

        Result kill = Cli.run(store(db, "flags", "set", "f", "--off", "--actor", "oncall", "--reason", "INC-1"));

        assertThat(kill.code()).as("%s", kill).isZero();
        assertThat(kill.out())
                .contains("flag 'f' version 2 -> version 3: off")
                .contains("cancelled the change scheduled at " + at);
        JsonNode flag = json(Cli.run(store(db, "flags", "get", "f", "-o", "json")));
        assertThat(flag.at("/flag/on").asBoolean()).as("%s", flag).isFalse();
        assertThat(flag.at("/flag/effectiveAt").isMissingNode()).as("%s", flag).isTrue();
        assertThat(Cli.run(store(db, "flags", "get", "f")).out()).contains("off");

        // what changed: the flag's row, the store's revision, one audit record; nothing else
        DatabaseSnapshot after = DatabaseSnapshot.of(db);
        assertThat(after.relations()).isEqualTo(before.relations());
        List<String> written = List.of("cutover_flags", "cutover_revision", "cutover_audit");
        assertThat(without(after, written)).isEqualTo(without(before, written));
        assertThat(rows(after, "cutover_audit"))
                .hasSize(rows(before, "cutover_audit").size() + 1);
        assertThat(rows(after, "cutover_audit")).anyMatch(row -> row.contains("oncall") && row.contains("INC-1"));
        assertThat(rows(after, "cutover_flags")).hasSize(1);
        assertThat(rows(after, "cutover_flags")).isNotEqualTo(rows(before, "cutover_flags"));
    }

    @Test
    void aBadFleetWaitOrServiceNameIsRefusedBeforeAnythingIsWritten() throws Exception {
        TestDatabase db = flagStore("nw_wait_fleet");
        DatabaseSnapshot before = DatabaseSnapshot.of(db);
        List<String[]> writes = List.of(
                new String[] {"flags", "set", "f", "--off"},
                new String[] {"flags", "rollback", "f", "--to-version", "1"},
                new String[] {"flags", "delete", "f"},
                new String[] {"stage", "m", "--next"});
        for (String[] write : writes) {
            for (String timeout :
                    List.of("0s", "999ms", "-1m", "2 minutes", "25h", "120", "soon", "", "PT-5S", "--", "-")) {
                Result r = Cli.run(store(db, with(write, "--actor", "a", "--reason", "r", "--wait-fleet=" + timeout)));
                assertThat(r.code()).as("--wait-fleet=%s: %s", timeout, r).isEqualTo(2);
                // "--" ends the options for picocli, so the store options after it are unknown
                assertThat(r.err())
                        .as("%s", r)
                        .containsAnyOf("Invalid value for option '--wait-fleet'", "Unknown options: '--jdbc-url'");
            }
            for (String service : List.of("", "a b", "orders/1", "x".repeat(129), "ord\u0000ers", "a:b", "é")) {
                Result r = Cli.run(store(
                        db,
                        with(write, "--actor", "a", "--reason", "r", "--wait-fleet", "--fleet-service=" + service)));
                assertThat(r.code()).as("--fleet-service=%s: %s", service, r).isEqualTo(2);
                assertThat(r.err())
                        .as("%s", r)
                        .contains("Invalid value for option '--fleet-service': expected a service name of 1 to 128"
                                + " letters, digits, '.', '-' or '_'");
            }
            Result alone =
                    Cli.run(store(db, with(write, "--actor", "a", "--reason", "r", "--fleet-service", "orders")));
            assertThat(alone.code()).as("%s", alone).isEqualTo(2);
            assertThat(alone.err()).as("%s", alone).contains("--fleet-service chooses whose instances --wait-fleet");
        }
        Result dry = Cli.run(
                store(db, "flags", "set", "f", "--off", "--actor", "a", "--reason", "r", "--dry-run", "--wait-fleet"));
        assertThat(dry.code()).as("%s", dry).isEqualTo(2);
        assertThat(dry.err()).contains("--wait-fleet waits for a write, and --dry-run writes nothing");
        // last on the line, "--wait-fleet=--" would read as a bare --wait-fleet: refused as typed
        for (String timeout : List.of("--", "-")) {
            List<String> args =
                    new ArrayList<>(List.of(store(db, "flags", "delete", "f", "--actor", "a", "--reason", "r")));
            args.add("--wait-fleet=" + timeout);
            Result last = Cli.run(args.toArray(String[]::new));
            assertThat(last.code()).as("%s", last).isEqualTo(2);
            assertThat(last.err()).as("%s", last).contains("Invalid value for option '--wait-fleet'");
        }
        Result show = Cli.run(store(db, "stage", "m", "--wait-fleet"));
        assertThat(show.code()).as("%s", show).isEqualTo(2);
        assertThat(show.err()).contains("--wait-fleet needs a move: --next, --back or --to STAGE");
        for (String service : List.of("", "a b", "orders;1", "x".repeat(129))) {
            Result r = Cli.run(store(db, "fleet", "--service=" + service));
            assertThat(r.code()).as("fleet --service=%s: %s", service, r).isEqualTo(2);
            assertThat(r.err()).as("%s", r).contains("Invalid value for option '--service'");
        }
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);
    }

    @Test
    void aWaitWithNoLiveInstanceOrNoHeartbeatTableWritesNothing() throws Exception {
        TestDatabase db = flagStore("nw_wait_empty");
        DatabaseSnapshot before = DatabaseSnapshot.of(db);
        Result empty =
                Cli.run(store(db, "flags", "set", "f", "--off", "--actor", "a", "--reason", "r", "--wait-fleet"));
        assertThat(empty.code()).as("%s", empty).isEqualTo(4);
        assertThat(empty.err())
                .contains("--wait-fleet: no live instance reports heartbeats")
                .contains("nothing was written");
        JsonNode json = json(Cli.run(
                store(db, "stage", "m", "--next", "--actor", "a", "--reason", "r", "--wait-fleet", "-o", "json")));
        assertThat(json.get("code").asInt()).isEqualTo(4);
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(before);

        OldTables.sql(db, "DROP TABLE cutover_instances");
        DatabaseSnapshot withoutTable = DatabaseSnapshot.of(db);
        Result missing =
                Cli.run(store(db, "flags", "set", "f", "--off", "--actor", "a", "--reason", "r", "--wait-fleet"));
        assertThat(missing.code()).as("%s", missing).isEqualTo(1);
        assertThat(missing.err())
                .contains("has no heartbeat table yet (cutover_instances is missing); create it with 'cutover flags"
                        + " init'")
                .contains("nothing was written");
        Result fleet = Cli.run(store(db, "fleet"));
        assertThat(fleet.code()).as("%s", fleet).isEqualTo(1);
        assertThat(fleet.err()).contains("(cutover_instances is missing); create it with 'cutover flags init'");
        assertThat(DatabaseSnapshot.of(db)).isEqualTo(withoutTable);
    }

    private static String[] with(String[] head, String... more) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static List<DatabaseSnapshot.Table> without(DatabaseSnapshot s, List<String> tables) {
        return s.tables().stream().filter(t -> !tables.contains(t.name())).toList();
    }

    private static List<String> rows(DatabaseSnapshot s, String table) {
        return s.tables().stream()
                .filter(t -> t.name().equals(table))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no table " + table + " in " + s))
                .rows();
    }

    /** A database with the flag and journal tables and a boolean flag {@code f} at version 1, on. */
    private static TestDatabase flagStore(String hint) {
        TestDatabase db = Stores.postgres(hint);
        for (String[] args : List.of(
                new String[] {"flags", "init", "--journal"},
                new String[] {"flags", "set", "f", "--on", "--actor", "a", "--reason", "create"})) {
            Result r = Cli.run(store(db, args));
            assertThat(r.code()).as("%s", r).isZero();
        }
        return db;
    }

    private static String[] store(TestDatabase db, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user()));
        return all.toArray(String[]::new);
    }

    private static String[] reconcile(TestDatabase db, String target, String... more) {
        List<String> all = new ArrayList<>(List.of("reconcile"));
        all.addAll(OldTables.jdbcSides(db, "old_orders", target));
        all.addAll(List.of("--recheck-after", "0"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static JsonNode json(Result r) {
        try {
            return JSON.readTree(r.out());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r, e);
        }
    }

    /**
     * A login role with a password that the server checks: the embedded server trusts every
     * connection, so a line for this role alone, asking for its password, is put first in
     * pg_hba.conf (other roles keep trust).
     */
    static final class PasswordRole {
        static final String NAME = "cutover_pw_" + UUID.randomUUID().toString().substring(0, 8);
        static final String PASSWORD = "right-password";
        private static boolean ready;

        static synchronized void ensure(TestDatabase db) throws Exception {
            if (!ready) {
                try (Connection c = EmbeddedPostgresServer.get().superuserConnection();
                        Statement st = c.createStatement()) {
                    st.execute("CREATE ROLE " + NAME + " LOGIN PASSWORD '" + PASSWORD + "'");
                    String hba;
                    try (ResultSet rs = st.executeQuery("SHOW hba_file")) {
                        rs.next();
                        hba = rs.getString(1);
                    }
                    Path file = Path.of(hba);
                    String rules = Files.readString(file, StandardCharsets.UTF_8);
                    Files.writeString(
                            file, "host all " + NAME + " all scram-sha-256\n" + rules, StandardCharsets.UTF_8);
                    st.execute("SELECT pg_reload_conf()");
                }
                ready = true;
            }
            // the reload is asynchronous: wait until the server asks this role for its password
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the server asking " + NAME + " for its password",
                    () -> !connects(db, "wrong"));
            assertThat(connects(db, PASSWORD)).as("the right password").isTrue();
        }

        private static boolean connects(TestDatabase db, String password) {
            Properties p = new Properties();
            p.setProperty("user", NAME);
            p.setProperty("password", password);
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), p)) {
                return c.isValid(1);
            } catch (SQLException e) {
                if (!e.getMessage().toLowerCase(Locale.ROOT).contains("password")) {
                    throw new IllegalStateException("unexpected failure connecting as " + NAME, e);
                }
                return false;
            }
        }
    }
}
