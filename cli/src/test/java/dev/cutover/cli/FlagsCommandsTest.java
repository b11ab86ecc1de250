package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import dev.cutover.flags.Flag;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testsupport.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every flags command, end to end, on embedded PostgreSQL and on DynamoDB Local over HTTP. */
class FlagsCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Result ok(List<String> store, String... args) {
        Result r = Cli.run(store, args);
        assertThat(r.code()).as("%s", r).isZero();
        return r;
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void setGetListHistoryAndRollBack(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        Result created = ok(store, "flags", "set", "checkout", "--on", "--actor", "alice", "--reason", "OPS-1 create");
        assertThat(created.out()).contains("flag 'checkout' created version 1: on, serves false");

        ok(store, "flags", "set", "checkout", "--rollout", "25%", "--actor", "alice", "--reason", "OPS-2 a quarter");
        Result json = ok(
                store,
                "flags",
                "set",
                "checkout",
                "--rollout",
                "50",
                "--actor",
                "bob",
                "--reason",
                "OPS-3 half",
                "--output",
                "json");
        JsonNode set = JSON.readTree(json.out());
        assertThat(set.get("previousVersion").asLong()).isEqualTo(2);
        assertThat(set.get("version").asLong()).isEqualTo(3);
        assertThat(set.at("/flag/fallthrough/rollout/allocations/0/percent").asDouble())
                .isEqualTo(50.0);

        Result get = ok(store, "flags", "get", "checkout");
        assertThat(get.out())
                .contains("version  3")
                .contains("rollout true 50% / false 50%")
                .contains("by bob");
        JsonNode got = JSON.readTree(
                ok(store, "flags", "get", "checkout", "-o", "json").out());
        assertThat(got.get("version").asLong()).isEqualTo(3);
        assertThat(got.at("/flag/key").asText()).isEqualTo("checkout");

        ok(
                store,
                "flags",
                "set",
                "banner",
                "--variants",
                "blue,green",
                "--variant",
                "green",
                "--actor",
                "carol",
                "--reason",
                "OPS-4");
        Result list = ok(store, "flags", "list");
        assertThat(list.out())
                .contains("banner")
                .contains("on, serves green")
                .contains("checkout")
                .contains("2 flags");
        JsonNode listed =
                JSON.readTree(ok(store, "flags", "list", "--output", "json").out());
        assertThat(listed.get("flags")).extracting(f -> f.get("key").asText()).containsExactly("banner", "checkout");

        Result history = ok(store, "flags", "history", "checkout");
        assertThat(history.out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList())
                .containsExactly("3", "2", "1");
        assertThat(history.out()).contains("OPS-3 half").contains("alice").contains("created, on, serves false");
        JsonNode hist = JSON.readTree(ok(store, "flags", "history", "checkout", "-o", "json", "--limit", "2")
                .out());
        assertThat(hist.get("records")).hasSize(2);
        assertThat(hist.at("/records/0/before/fallthrough/rollout/allocations/0/percent")
                        .asDouble())
                .isEqualTo(25.0);

        Result rolledBack = ok(
                store,
                "flags",
                "rollback",
                "checkout",
                "--to-version",
                "1",
                "--actor",
                "dave",
                "--reason",
                "OPS-5 back to off for all");
        assertThat(rolledBack.out()).contains("version 3 -> version 4 (rollback to version 1): on, serves false");
        assertThat(ok(store, "flags", "history", "checkout", "--limit", "1").out())
                .contains("OPS-5")
                .contains("dave");

        Result off = ok(store, "flags", "set", "checkout", "--off", "--actor", "erin", "--reason", "kill");
        assertThat(off.out()).contains("off (serves false)");
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void aLostCompareAndSetSaysWhoChangedWhatMeanwhile(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        ok(store, "flags", "set", "checkout", "--on", "--actor", "alice", "--reason", "create");
        // alice looked at version 1; meanwhile bob raised the rollout
        ok(store, "flags", "set", "checkout", "--rollout", "10", "--actor", "bob", "--reason", "INC-7 ten percent");
        Result lost = Cli.run(
                store,
                "flags",
                "set",
                "checkout",
                "--off",
                "--expect-version",
                "1",
                "--actor",
                "alice",
                "--reason",
                "turn it off");
        assertThat(lost.code()).as("%s", lost).isEqualTo(3);
        assertThat(lost.err())
                .contains("write conflict on flag 'checkout': expected version 1 but the store has version 2")
                .contains("nothing was written")
                .contains("Changed meanwhile:")
                .containsPattern(
                        "version 2 at \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z by bob: INC-7 ten percent \\(on, rollout true 10% / false 90%\\)")
                .contains("cutover flags get checkout");
        assertThat(ok(store, "flags", "get", "checkout").out()).contains("version  2");
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void aScheduledChangeFlipsInUnisonAndBlocksOtherChangesUntilThen(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        ok(store, "flags", "set", "checkout", "--on", "--actor", "alice", "--reason", "create");
        Instant at = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Result scheduled = ok(
                store,
                "flags",
                "set",
                "checkout",
                "--variant",
                "true",
                "--effective-at",
                at.toString(),
                "--actor",
                "alice",
                "--reason",
                "flip at the window");
        assertThat(scheduled.out())
                .contains("on, serves true from " + at)
                .contains("until " + at + " every instance keeps serving: on, serves false");
        JsonNode flag = JSON.readTree(
                        ok(store, "flags", "get", "checkout", "-o", "json").out())
                .get("flag");
        assertThat(flag.get("effectiveAt").asText()).isEqualTo(at.toString());
        assertThat(flag.at("/previous/fallthrough/variant").asText()).isEqualTo("false");

        Result blocked =
                Cli.run(store, "flags", "set", "checkout", "--rollout", "5", "--actor", "bob", "--reason", "x");
        assertThat(blocked.code()).as("%s", blocked).isEqualTo(4);
        assertThat(blocked.err())
                .contains("has a change scheduled at " + at)
                .contains("cutover flags rollback checkout --to-version 1")
                .contains("'cutover flags set checkout --off' (always allowed");
        assertThat(ok(store, "flags", "get", "checkout", "-o", "json").out())
                .as("the refused change wrote nothing")
                .contains("\"version\" : 2");
        ok(
                store,
                "flags",
                "rollback",
                "checkout",
                "--to-version",
                "1",
                "--actor",
                "bob",
                "--reason",
                "cancel the flip");
        assertThat(ok(store, "flags", "get", "checkout").out())
                .contains("serving  on, serves false")
                .doesNotContain("until");
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void notFoundErrorsNameTheKeyAndTheVersionsThereAre(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        Result missing = Cli.run(store, "flags", "get", "nope");
        assertThat(missing.code()).isEqualTo(5);
        assertThat(missing.err()).contains("flag 'nope' does not exist");
        assertThat(Cli.run(store, "flags", "history", "nope").code()).isEqualTo(5);

        ok(store, "flags", "set", "checkout", "--on", "--actor", "a", "--reason", "r");
        ok(store, "flags", "set", "checkout", "--off", "--actor", "a", "--reason", "r");
        Result noVersion =
                Cli.run(store, "flags", "rollback", "checkout", "--to-version", "7", "--actor", "a", "--reason", "r");
        assertThat(noVersion.code()).isEqualTo(5);
        assertThat(noVersion.err()).contains("flag 'checkout' has no version 7 in its history; versions: 1, 2");
        Result same = ok(store, "flags", "rollback", "checkout", "--to-version", "2", "--actor", "a", "--reason", "r");
        assertThat(same.out()).contains("at version 2 already; nothing written");
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void badValuesAreNamedWithTheValidChoices(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        ok(
                store,
                "flags",
                "set",
                "banner",
                "--variants",
                "blue,green",
                "--variant",
                "blue",
                "--actor",
                "a",
                "--reason",
                "r");

        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--variant", "red", "--actor", "a", "--reason", "r"),
                "flag 'banner' has no variant 'red'; its variants: blue, green");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--rollout", "150", "--actor", "a", "--reason", "r"),
                "Invalid value for option '--rollout'",
                "from 0 to 100 but was '150'");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--rollout", "ten", "--actor", "a", "--reason", "r"),
                "but was 'ten'");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--rollout", "10.0001", "--actor", "a", "--reason", "r"),
                "at most 3 decimals",
                "'10.0001'");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--rollout", "10", "--actor", "a", "--reason", "r"),
                "--rollout on string flag 'banner' needs --variant NAME",
                "its variants: blue, green");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--on", "--reason", "r"),
                "Missing required option: '--actor=WHO'");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--on", "--actor", " ", "--reason", "r"),
                "missing or blank: --actor");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--on", "--actor", " "),
                "Missing required option: '--reason=WHY'");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--on", "--actor", " ", "--reason", "\t"),
                "missing or blank: --actor, --reason");
        assertUsage(Cli.run(store, "flags", "set", "banner", "--actor", "a", "--reason", "r"), "Nothing to set");
        assertUsage(
                Cli.run(store, "flags", "set", "banner", "--on", "--off", "--actor", "a", "--reason", "r"),
                "mutually exclusive");
        assertUsage(
                Cli.run(
                        store,
                        "flags",
                        "set",
                        "banner",
                        "--on",
                        "--effective-at",
                        "tomorrow",
                        "--actor",
                        "a",
                        "--reason",
                        "r"),
                "Invalid value for option '--effective-at'",
                "but was 'tomorrow'");
        assertUsage(
                Cli.run(
                        store,
                        "flags",
                        "set",
                        "banner",
                        "--on",
                        "--effective-at",
                        "2020-01-01T00:00:00Z",
                        "--actor",
                        "a",
                        "--reason",
                        "r"),
                "2020-01-01T00:00:00Z is not in the future");
        assertUsage(
                Cli.run(store, "flags", "list", "--output", "xml"),
                "Invalid value for option '--output'",
                "expected one of [text, json]",
                "'xml'");
        assertUsage(Cli.run(store, "flags", "history", "banner", "--limit", "0"), "must be 1 to 10000 but was 0");
        assertUsage(
                Cli.run(store, "flags", "rollback", "banner", "--to-version", "0", "--actor", "a", "--reason", "r"),
                "versions start at 1 but was 0");
        assertUsage(
                Cli.run(store, "flags", "set", "bad key!", "--on", "--actor", "a", "--reason", "r"),
                "Invalid value for parameter 'KEY'",
                "but was 'bad key!'");
        assertUsage(Cli.run(store, "flags", "lst"), "Unmatched argument", "'lst'");
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void metadataIsSetShownAndRemovedEntryByEntry(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        Result created = ok(
                store,
                "flags",
                "set",
                "checkout",
                "--on",
                "--metadata",
                "owner=team-orders",
                "--metadata",
                "ticket=123",
                "--metadata",
                "temporary=true",
                "--metadata",
                "cost=1.5",
                "--metadata",
                "note=ships in Q3, ask #orders",
                "--actor",
                "alice",
                "--reason",
                "OPS-1");
        assertThat(created.out()).contains("flag 'checkout' created version 1: on, serves false");
        Result get = ok(store, "flags", "get", "checkout");
        assertThat(get.out())
                .contains(
                        "metadata: owner=team-orders, ticket=123, temporary=true, cost=1.5, note=ships in Q3, ask #orders");
        JsonNode json = JSON.readTree(
                ok(store, "flags", "get", "checkout", "-o", "json").out());
        JsonNode metadata = json.at("/flag/metadata");
        assertThat(metadata.get("owner").isTextual()).isTrue();
        assertThat(metadata.get("ticket").isIntegralNumber()).isTrue();
        assertThat(metadata.get("ticket").asLong()).isEqualTo(123);
        assertThat(metadata.get("temporary").isBoolean()).isTrue();
        assertThat(metadata.get("cost").isDouble()).isTrue();

        // metadata alone is a change; an empty value removes the entry, the rest are kept
        Result edited = ok(
                store,
                "flags",
                "set",
                "checkout",
                "--metadata",
                "ticket=",
                "--metadata",
                "owner=team-payments",
                "--actor",
                "bob",
                "--reason",
                "OPS-2",
                "-o",
                "json");
        JsonNode after = JSON.readTree(edited.out()).at("/flag/metadata");
        assertThat(after.has("ticket")).isFalse();
        assertThat(after.get("owner").asText()).isEqualTo("team-payments");
        assertThat(after.get("temporary").asBoolean()).isTrue();
        assertThat(JSON.readTree(edited.out()).at("/flag/on").asBoolean()).isTrue();

        for (String[] bad : List.of(
                new String[] {"noequals", "expected NAME=VALUE"},
                new String[] {"=x", "the name before '=' must be 1 to 128 characters"},
                new String[] {"a\tb=1", "control characters"},
                new String[] {"n".repeat(129) + "=v", "1 to 128 characters"},
                new String[] {"a=" + "v".repeat(1025), "at most 1024 characters"},
                new String[] {"a=1e999", "finite"},
                new String[] {"a=99999999999999999999", "between"})) {
            Result r = Cli.run(
                    store, "flags", "set", "checkout", "--metadata", bad[0], "--off", "--actor", "a", "--reason", "r");
            assertUsage(r, "Invalid value for option '--metadata'", bad[1]);
        }
        assertThat(ok(store, "flags", "get", "checkout").out())
                .contains("version  2")
                .contains("on, serves false");
    }

    @Test
    void aFlagWithoutAnOffVariantIsShownAsServingTheCallersDefaultWhenOff() throws Exception {
        TestDatabase db = Stores.postgres("cli_no_off");
        JdbcFlagStore jdbc = JdbcFlagStore.builder(db.dataSource()).build();
        jdbc.createSchemaIfMissing();
        // written by other means: no off-variant
        jdbc.put(
                Flag.builder("banner")
                        .variant("blue", "blue")
                        .variant("green", "green")
                        .on(false)
                        .metadata("owner", "web")
                        .build(),
                0,
                new AuditInfo("test", "setup"));
        List<String> store = List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user());
        Result get = ok(store, "flags", "get", "banner");
        assertThat(get.out())
                .contains("(off: none, serves the caller's default)")
                .contains("serving  off (serves the caller's default)")
                .contains("metadata: owner=web")
                .doesNotContain("offVariant");
        // a rollout gives the rest to the other variant of the two
        Result rollout = ok(
                store,
                "flags",
                "set",
                "banner",
                "--on",
                "--variant",
                "green",
                "--rollout",
                "10",
                "--actor",
                "a",
                "--reason",
                "r");
        assertThat(rollout.out()).contains("on, rollout green 10% / blue 90%");
        Result off = ok(store, "flags", "set", "banner", "--off", "--actor", "a", "--reason", "r");
        assertThat(off.out()).contains("off (serves the caller's default)");
    }

    private static void assertUsage(Result r, String... fragments) {
        assertThat(r.code()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).as("%s", r).contains(fragments).contains("--help");
    }
}
