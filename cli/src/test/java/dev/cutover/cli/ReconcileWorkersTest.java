package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.cli.Cli.Result;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code reconcile --workers N --reconcile-id ID}: several reconcilers share the ranges and report
 * what one reports, the same id resumes (a finished one reports again without reading), bad values
 * are refused by name; and backfill and reconcile open a handful of connections however many pages
 * they read.
 */
class ReconcileWorkersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> sides(TestDatabase db, String... more) {
        List<String> args = OldTables.jdbcSides(db, "old_orders", "new_orders");
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void workersAndAResumableIdReportWhatOneReconcilerReports() throws Exception {
        TestDatabase db = Stores.postgres("cli_split");
        OldTables.jdbc(db, "old_orders", 400);
        Result copied =
                Cli.run(sides(db), "backfill", "--backfill-id", "orders", "--create-target", "--progress", "none");
        assertThat(copied.code()).as("%s", copied).isZero();
        OldTables.sql(
                db,
                "UPDATE old_orders SET version = 2, name = 'renamed' WHERE id = 'k0010'",
                "DELETE FROM old_orders WHERE id = 'k0020'",
                "INSERT INTO old_orders VALUES ('k5000', 1, 'late', 5)");

        Result single = Cli.run(sides(db), "reconcile", "--recheck-after", "0", "-o", "json");
        assertThat(single.code()).as("%s", single).isEqualTo(6);

        Result split = Cli.run(
                sides(db),
                "reconcile",
                "--recheck-after",
                "0",
                "--workers",
                "3",
                "--ranges",
                "8",
                "--reconcile-id",
                "nightly",
                "--owner",
                "pod",
                "-o",
                "json");
        assertThat(split.code()).as("%s", split).isEqualTo(6);
        assertThat(withoutTimes(split.out())).isEqualTo(withoutTimes(single.out()));
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(*) FILTER (WHERE is_done),"
                        + " COUNT(DISTINCT owner_id) FROM cutover_reconcile_ranges_nightly")) {
            rs.next();
            assertThat(rs.getInt(1)).as("two units per range").isEqualTo(16);
            assertThat(rs.getInt(2)).as("all done").isEqualTo(16);
            assertThat(rs.getInt(3)).as("owners").isBetween(1, 3);
        }

        // the same id again: every range is done, so the report is merged from what is stored
        OldTables.sql(db, "UPDATE old_orders SET name = 'later' WHERE id = 'k0030'");
        Result resumed = Cli.run(
                sides(db),
                "reconcile",
                "--recheck-after",
                "0",
                "--reconcile-id",
                "nightly",
                "--ranges",
                "8",
                "-o",
                "json");
        assertThat(resumed.code()).as("%s", resumed).isEqualTo(6);
        assertThat(withoutTimes(resumed.out())).isEqualTo(withoutTimes(single.out()));

        // a new id reconciles again and sees the later change
        Result fresh = Cli.run(
                sides(db), "reconcile", "--recheck-after", "0", "--reconcile-id", "nightly_2", "--workers", "2");
        assertThat(fresh.code()).as("%s", fresh).isEqualTo(6);
        assertThat(fresh.out()).contains("missing in new: 1, extra in new: 1, different: 2");

        // another split for the same id is refused, naming both layouts
        Result otherRanges =
                Cli.run(sides(db), "reconcile", "--recheck-after", "0", "--reconcile-id", "nightly", "--ranges", "4");
        assertThat(otherRanges.code()).as("%s", otherRanges).isEqualTo(1);
        assertThat(otherRanges.err()).contains("ranges=8").contains("ranges=4");
    }

    @Test
    void badWorkersRangesAndIdsAreRefusedByName() throws Exception {
        TestDatabase db = Stores.postgres("cli_split_bad");
        OldTables.jdbc(db, "old_orders", 1);
        for (String[] bad : new String[][] {
            {"--workers", "0", "--workers"},
            {"--workers", "65", "--workers"},
            {"--ranges", "0", "--ranges"},
            {"--reconcile-id", "Nightly-1", "--reconcile-id"},
            {"--owner", " ", "--owner"}
        }) {
            Result r = Cli.run(sides(db), "reconcile", bad[0], bad[1]);
            assertThat(r.code()).as("%s", r).isEqualTo(2);
            assertThat(r.err()).contains(bad[2]);
        }
    }

    @Test
    void aLongBackfillAndReconcileOpenAHandfulOfConnections() throws Exception {
        TestDatabase db = Stores.postgres("cli_pool");
        OldTables.jdbc(db, "old_orders", 3000);
        try (Connection watcher = db.dataSource().getConnection()) {
            long before = settledSessions(watcher, db.name());
            Result copied = Cli.run(
                    sides(db),
                    "backfill",
                    "--backfill-id",
                    "pooled",
                    "--create-target",
                    "--batch-size",
                    "50",
                    "--source-segments",
                    "1",
                    "--progress",
                    "none");
            assertThat(copied.code()).as("%s", copied).isZero();
            long afterBackfill = settledSessions(watcher, db.name());
            // 60 pages read, applied and checkpointed: without a pool, well over 120 connections; with
            // one, a connection to check each database, then pools of at most 3 (source, target) and 2
            // (checkpoints)
            assertThat(afterBackfill - before)
                    .as("connections opened by the backfill")
                    .isBetween(1L, 11L);

            Result reconciled =
                    Cli.run(sides(db), "reconcile", "--recheck-after", "0", "--workers", "2", "--ranges", "4");
            assertThat(reconciled.code()).as("%s", reconciled).isZero();
            long afterReconcile = settledSessions(watcher, db.name());
            // two reconcilers reading both sides, one page ahead, over 4 ranges: pools of at most 7 per side
            assertThat(afterReconcile - afterBackfill)
                    .as("connections opened by the reconciliation")
                    .isBetween(1L, 16L);
        }
    }

    /**
     * The sessions PostgreSQL counted on {@code database} once the count has not changed for two
     * seconds (statistics reach the collector up to half a second after a session ends), read on one
     * open connection.
     */
    private static long settledSessions(Connection watcher, String database) {
        long[] last = {-1, System.nanoTime()}; // the count, when it last changed
        Eventually.within(Duration.ofSeconds(60), "the session count settled", () -> {
            long now = sessions(watcher, database);
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] > Duration.ofSeconds(2).toNanos();
        });
        return last[0];
    }

    private static long sessions(Connection c, String database) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (PreparedStatement ps = c.prepareStatement("SELECT sessions FROM pg_stat_database WHERE datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading pg_stat_database failed", e);
        }
    }

    /**
     * The JSON report without what two runs do not share: timestamps, duration, and the hashes of
     * redacted values (keyed per run); that a hash is there is kept.
     */
    private static JsonNode withoutTimes(String out) throws Exception {
        JsonNode root = JSON.readTree(out);
        ObjectNode report = (ObjectNode) root.get("report");
        report.remove(List.of("startedAt", "finishedAt", "durationMillis"));
        for (JsonNode d : report.get("different")) {
            for (JsonNode x : d.get("differences")) {
                for (String hash : List.of("oldHash", "newHash")) {
                    if (x.has(hash)) {
                        ((ObjectNode) x).put(hash, "hash");
                    }
                }
            }
        }
        return report;
    }
}
