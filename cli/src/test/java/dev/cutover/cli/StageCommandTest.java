package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.Cli.Result;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code cutover stage}: one step at a time, refusals named with the allowed moves, on both stores. */
class StageCommandTest {

    private static String[] with(String[] extra, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return all;
    }

    @org.junit.jupiter.api.Test
    void aMovePastShadowIsRefusedWhileTheJournalHoldsAnOpenGap() throws Exception {
        dev.cutover.testsupport.TestDatabase db = Stores.postgres("cli_gaps");
        dev.cutover.flags.jdbc.JdbcFlagStore.builder(db.dataSource()).build().createSchemaIfMissing();
        List<String> store = List.of("--jdbc-url", db.jdbcUrl(), "--jdbc-user", db.user());
        run(store, 0, "stage", "m", "--to", "DUAL_WRITE", "--actor", "a", "--reason", "r");
        run(store, 0, "stage", "m", "--next", "--actor", "a", "--reason", "r");
        // no journal tables in this database: the move past SHADOW cannot be checked, so it is not made
        assertThat(run(store, 1, "stage", "m", "--next", "--actor", "a", "--reason", "r")
                        .err())
                .contains("cannot read the journal's gaps (table cutover_gaps")
                .contains("--journal-jdbc-url")
                .contains("--no-journal-check")
                .contains("nothing was written");

        dev.cutover.journal.JdbcFailedWriteJournal journal = dev.cutover.journal.JdbcFailedWriteJournal.builder(
                        db.dataSource())
                .build();
        journal.createSchemaIfMissing();
        Instant from = Instant.now().minusSeconds(60);
        journal.putGap(new dev.cutover.journal.Gap(
                "g1",
                "OrderRepository",
                dev.cutover.journal.Gap.Kind.OVERFLOW,
                from,
                from.plusSeconds(1),
                "past the bound"));
        Result refused = run(store, 4, "stage", "m", "--next", "--actor", "a", "--reason", "r");
        assertThat(refused.err())
                .contains("may not move to LIVE while 1 gap(s) are open")
                .contains("OVERFLOW of OrderRepository")
                .contains("nothing was written");
        assertThat(run(store, 4, "stage", "m", "--to", "LIVE", "--actor", "a", "--reason", "r")
                        .err())
                .contains("may not move to LIVE");
        assertThat(run(store, 0, "stage", "m").out()).contains("serves SHADOW");
        // back is never refused
        run(store, 0, "stage", "m", "--back", "--actor", "a", "--reason", "r");
        run(store, 0, "stage", "m", "--next", "--actor", "a", "--reason", "r");
        // a full reconciliation and repair closed the gap
        journal.closeGaps(Instant.now());
        // a key the new store missed keeps it from becoming authoritative, also for a scheduled move
        long missed = journal.append(new dev.cutover.journal.FailedWrite(
                "OrderRepository",
                "save",
                "o-1",
                dev.cutover.journal.FailedWrite.Target.NEW,
                dev.cutover.journal.FailedWrite.Reason.SHED,
                "queue full",
                Instant.now()));
        assertThat(run(
                                store,
                                4,
                                "stage",
                                "m",
                                "--next",
                                "--effective-at",
                                Instant.now().plusSeconds(3600).toString(),
                                "--actor",
                                "a",
                                "--reason",
                                "r")
                        .err())
                .contains("may not move to LIVE while the journal holds 1 entry for keys the new store missed")
                .contains("nothing was written");
        journal.resolve(List.of(missed));
        // repaired: the move is allowed
        assertThat(run(store, 0, "stage", "m", "--next", "--actor", "a", "--reason", "r")
                        .out())
                .contains("SHADOW -> LIVE");
    }

    private static Result run(List<String> store, int expected, String... args) {
        Result r = Cli.run(store, args);
        assertThat(r.code()).as("%s", r).isEqualTo(expected);
        return r;
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void movesOneStepAtATimeAndRefusesToSkip(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        assertThat(run(store, 0, "stage", "orders.migration").out())
                .contains(
                        "stage flag 'orders.migration' serves OLD_ONLY (absent: OLD_ONLY); next: DUAL_WRITE, back: none");
        Result refusedBack = run(store, 4, "stage", "orders.migration", "--back", "--actor", "alice", "--reason", "r");
        assertThat(refusedBack.err())
                .contains("is at OLD_ONLY, the first stage: there is no step back")
                .contains("nothing was written");
        assertThat(run(store, 4, "stage", "orders.migration", "--to", "SHADOW", "--actor", "a", "--reason", "r")
                        .err())
                .contains("from OLD_ONLY")
                .contains("allowed from here: DUAL_WRITE")
                .contains("nothing was written");

        assertThat(run(store, 0, "stage", "orders.migration", "--next", "--actor", "alice", "--reason", "OPS-1")
                        .out())
                .contains("OLD_ONLY -> DUAL_WRITE (version 0 -> 1)");
        assertThat(run(store, 0, "stage", "orders.migration", "--to", "shadow", "--actor", "alice", "--reason", "OPS-2")
                        .out())
                .contains("DUAL_WRITE -> SHADOW (version 1 -> 2)");

        Result skip =
                run(store, 4, "stage", "orders.migration", "--to", "NEW_ONLY", "--actor", "bob", "--reason", "hurry");
        assertThat(skip.err())
                .contains("cannot move stage flag 'orders.migration' from SHADOW to NEW_ONLY")
                .contains("stages move one step at a time; allowed from here: DUAL_WRITE, LIVE");
        assertThat(run(store, 0, "stage", "orders.migration").out()).contains("serves SHADOW (version 2)");

        JsonNode next = new ObjectMapper()
                .readTree(run(
                                store,
                                0,
                                with(
                                        kind.pastShadow(),
                                        "stage",
                                        "orders.migration",
                                        "--next",
                                        "--actor",
                                        "bob",
                                        "--reason",
                                        "OPS-3",
                                        "-o",
                                        "json"))
                        .out());
        assertThat(next.get("from").get(0).asText()).isEqualTo("SHADOW");
        assertThat(next.get("to").get(0).asText()).isEqualTo("LIVE");
        assertThat(next.get("version").asLong()).isEqualTo(3);
        assertThat(run(store, 0, "stage", "orders.migration", "--back", "--actor", "bob", "--reason", "rollback")
                        .out())
                .contains("LIVE -> SHADOW (version 3 -> 4)");
        assertThat(run(store, 0, "flags", "history", "orders.migration", "--limit", "1")
                        .out())
                .contains("rollback")
                .contains("bob");
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void refusesPastTheLastStageAndWhileAMoveIsScheduled(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        for (int i = 0; i < 5; i++) {
            run(store, 0, with(kind.pastShadow(), "stage", "m", "--next", "--actor", "a", "--reason", "step " + i));
        }
        assertThat(run(store, 0, "stage", "m").out())
                .contains("serves NEW_ONLY")
                .contains("next: none, back: RAMP_DOWN");
        assertThat(run(store, 4, "stage", "m", "--next", "--actor", "a", "--reason", "r")
                        .err())
                .contains("is at NEW_ONLY, the last stage: there is no step forward");
        assertThat(run(store, 4, "stage", "m", "--to", "LIVE", "--actor", "a", "--reason", "r")
                        .err())
                .contains("allowed from here: RAMP_DOWN");

        Instant at = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        assertThat(run(
                                store,
                                0,
                                "stage",
                                "m",
                                "--back",
                                "--effective-at",
                                at.toString(),
                                "--actor",
                                "a",
                                "--reason",
                                "window")
                        .out())
                .contains("NEW_ONLY -> RAMP_DOWN (version 5 -> 6), every instance moves at " + at);
        assertThat(run(store, 4, "stage", "m", "--back", "--actor", "a", "--reason", "r")
                        .err())
                .contains("has a move to RAMP_DOWN scheduled at " + at)
                .contains("cancel it with 'cutover flags rollback m --to-version 5'");
        // showing the stage still works while the move is scheduled, and says when it happens
        assertThat(run(store, 0, "stage", "m").out())
                .contains("stage flag 'm' serves NEW_ONLY (version 6); moves to RAMP_DOWN at " + at);
        JsonNode shown = new ObjectMapper()
                .readTree(run(store, 0, "stage", "m", "-o", "json").out());
        assertThat(shown.at("/serving/0").asText()).isEqualTo("NEW_ONLY");
        assertThat(shown.at("/scheduled/serving/0").asText()).isEqualTo("RAMP_DOWN");
        assertThat(shown.at("/scheduled/effectiveAt").asText()).isEqualTo(at.toString());
    }

    @ParameterizedTest
    @EnumSource(FlagStoreKind.class)
    void badStageArgumentsAreNamed(FlagStoreKind kind) throws Exception {
        List<String> store = kind.freshStore();
        Result bogus = run(store, 2, "stage", "m", "--to", "LATER", "--actor", "a", "--reason", "r");
        assertThat(bogus.err())
                .contains("Invalid value for option '--to'")
                .contains("OLD_ONLY, DUAL_WRITE, SHADOW, LIVE, RAMP_DOWN, NEW_ONLY")
                .contains("'LATER'");
        assertThat(run(store, 2, "stage", "m", "--next", "--back", "--actor", "a", "--reason", "r")
                        .err())
                .contains("mutually exclusive");
        assertThat(run(store, 2, "stage", "m", "--next").err()).contains("--actor, --reason");
        assertThat(run(store, 2, "stage", "m", "--effective-at", "2030-01-01T00:00:00Z")
                        .err())
                .contains("--effective-at needs a move");
        run(store, 0, "flags", "set", "m", "--variants", "a,b", "--variant", "b", "--actor", "a", "--reason", "r");
        assertThat(run(store, 4, "stage", "m", "--next", "--actor", "a", "--reason", "r")
                        .err())
                .contains("which names no stage");
    }
}
