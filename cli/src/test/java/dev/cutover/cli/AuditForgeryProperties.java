package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.flags.Flag;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.AuditText;
import dev.cutover.testsupport.TestDatabase;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The audit trail cannot be forged: a hostile actor is refused naming the character, or stored
 * verbatim; a hostile reason is stored verbatim; and {@code cutover flags history} shows exactly
 * one row per record, in the table and in JSON, whatever the values hold. On H2 for the property,
 * and one example on PostgreSQL.
 */
class AuditForgeryProperties {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String H2_URL = "jdbc:h2:mem:forgery;DB_CLOSE_DELAY=-1";
    private static final String KEY = "probe";
    private static JdbcFlagStore store;

    @BeforeContainer
    static void start() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(H2_URL);
        h2.setUser("sa");
        store = JdbcFlagStore.builder(h2).build();
        store.createSchemaIfMissing();
    }

    @AfterContainer
    static void stop() {
        store.close();
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> fragments = Arbitraries.oneOf(
                Arbitraries.of(
                        "\n",
                        "\r",
                        "\r\n",
                        "\t",
                        "\u000B",
                        "\u000C",
                        "\u001B[2J",
                        "\u007F",
                        "\u0085",
                        "\u009B",
                        "\u2028",
                        "\u2029",
                        "\u202E",
                        "\u202D",
                        "\u2066",
                        "\u2069",
                        "\u200F",
                        "\u061C",
                        "2 2026-01-01 mallory forged",
                        "  ",
                        "mallory",
                        "\\n",
                        "\\",
                        "é",
                        "\uD83D\uDE00",
                        "|",
                        ","),
                Arbitraries.chars().range('\u0001', '\u001F').map(String::valueOf),
                Arbitraries.chars().range('\u0080', '\u009F').map(String::valueOf),
                Arbitraries.integers().between(100, 1500).map("x"::repeat));
        return fragments.list().ofMinSize(1).ofMaxSize(8).map(parts -> String.join("", parts));
    }

    @Property(tries = 120)
    void hostileActorsAndReasonsNeverForgeAHistoryRow(
            @ForAll("hostile") String actorText, @ForAll("hostile") String reasonText) throws Exception {
        String actor = "ops" + actorText;
        String reason = "why" + reasonText;

        // actor: refused naming the character, exactly when it holds one that can fake a line or column
        Throwable refused = catchThrowable(() -> new AuditInfo(actor, "r"));
        int forging = AuditText.indexOfForging(actor);
        if (forging >= 0) {
            assertThat(refused)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("actor")
                    .hasMessageContaining(String.format("U+%04X", actor.codePointAt(forging)))
                    .hasMessageContaining("at index " + forging);
        } else {
            assertThat(refused).isNull();
            Throwable tooLong = catchThrowable(() -> write(new AuditInfo(actor, "r")));
            if (tooLong == null) {
                assertThat(store.history(KEY, null, 1).records().get(0).actor()).isEqualTo(actor);
            } else {
                assertThat(tooLong).hasMessageContaining("actor must be at most");
            }
        }

        // reason: accepted as typed (within the store's length limit) and read back verbatim
        Throwable reasonError = catchThrowable(() -> write(new AuditInfo("ops", reason)));
        if (reasonError != null) {
            assertThat(reason.length()).isGreaterThan(2000);
            assertThat(reasonError).hasMessageContaining("reason must be at most");
        } else {
            assertThat(store.history(KEY, null, 1).records().get(0).reason()).isEqualTo(reason);
        }

        assertOneRowPerRecord(List.of("--jdbc-url", H2_URL, "--jdbc-user", "sa"), 3);
    }

    @Example
    void onPostgresAForgedRowIsRefusedInTheActorAndEscapedInTheReason() throws Exception {
        TestDatabase db = Stores.postgres("cli_forgery");
        try (JdbcFlagStore pg = JdbcFlagStore.builder(db.dataSource()).build()) {
            pg.createSchemaIfMissing();
            pg.put(Flag.booleanFlag(KEY, true), 0, new AuditInfo("alice", "create"));
            List<String> options = List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user());

            Result forgedActor = Cli.run(
                    options,
                    "flags",
                    "set",
                    KEY,
                    "--off",
                    "--actor",
                    "mallory\n2 2026-01-01 mallory forged",
                    "--reason",
                    "looks innocent");
            assertThat(forgedActor.code()).as("%s", forgedActor).isEqualTo(2);
            assertThat(forgedActor.err())
                    .contains("Invalid value for option '--actor'")
                    .contains("U+000A (LINE FEED (LF)) at index 7");
            assertThat(pg.history(KEY, null, 10).records()).hasSize(1);

            String reason = "INC-9 rollback\n2 2026-01-01 mallory forged\r\u2028\u202Edegrof";
            Result set = Cli.run(options, "flags", "set", KEY, "--off", "--actor", "bob", "--reason", reason);
            assertThat(set.code()).as("%s", set).isZero();
            assertThat(pg.history(KEY, null, 1).records().get(0).reason()).isEqualTo(reason);
            Result history = assertOneRowPerRecord(options, 10);
            assertThat(history.out())
                    .contains("INC-9 rollback\\n2 2026-01-01 mallory forged\\r\\u2028\\u202edegrof")
                    .doesNotContain("\n2 2026-01-01");
        }
    }

    private static void write(AuditInfo audit) throws Exception {
        long version = store.get(KEY).map(r -> r.version()).orElse(0L);
        store.put(Flag.booleanFlag(KEY, version % 2 == 0), version, audit);
    }

    /** Runs {@code flags history} as a table and as JSON and checks one row per record, verbatim. */
    private static Result assertOneRowPerRecord(List<String> options, int limit) throws Exception {
        JdbcFlagStore reader = store;
        Result table = Cli.run(options, "flags", "history", KEY, "--limit", Integer.toString(limit));
        assertThat(table.code()).as("%s", table).isZero();
        List<String> lines = table.out().lines().toList();
        Result json = Cli.run(options, "flags", "history", KEY, "--limit", Integer.toString(limit), "-o", "json");
        assertThat(json.code()).as("%s", json).isZero();
        JsonNode records = JSON.readTree(json.out()).get("records");

        assertThat(lines).hasSize(1 + records.size());
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            String row = lines.get(i + 1);
            assertThat(row)
                    .startsWith(r.get("version").asText() + " ")
                    .contains(AuditText.oneLine(r.get("actor").asText()))
                    .contains(AuditText.oneLine(r.get("reason").asText()));
        }
        // nothing that can fake a line, a column or the reading order reaches the terminal raw
        assertThat(AuditText.indexOfForging(String.join("", lines))).isEqualTo(-1);
        assertThat(AuditText.indexOfForging(json.out().replace("\n", ""))).isEqualTo(-1);
        if (reader != null && options.get(1).equals(H2_URL)) {
            List<AuditRecord> stored = reader.history(KEY, null, limit).records();
            for (int i = 0; i < stored.size(); i++) {
                assertThat(records.get(i).get("actor").asText())
                        .isEqualTo(stored.get(i).actor());
                assertThat(records.get(i).get("reason").asText())
                        .isEqualTo(stored.get(i).reason());
            }
        }
        return table;
    }
}
