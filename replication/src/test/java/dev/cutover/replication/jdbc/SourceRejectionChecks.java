package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillRejection;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.Repair;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.testsupport.FreshTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rows an old table holds but {@link JdbcSource} cannot make a change of (version 0, negative or
 * NULL, a payload column that does not hold JSON) on a real store (a subclass per store): each is
 * in its page, the backfill counts and lists it, a reconciliation reports it as not migrated and
 * is not clean, and a repair leaves it alone, even where the new store holds the key.
 */
abstract class SourceRejectionChecks {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The payload is the JSON text of column {@code doc}, as many old tables keep it. */
    private static final JdbcRowMapper DOC =
            rs -> JdbcPayloadColumns.json("doc", JSON).read(rs, rs.findColumn("doc"));

    abstract FreshTables tables();

    /** {@code a..g}: a, f and g good; b version 0, c version -3, d version NULL, e a doc that is not JSON. */
    private String oldTable() throws SQLException {
        String name = "rejecting_" + TABLES.incrementAndGet();
        tables().execute("CREATE TABLE " + name
                + " (id VARCHAR(20) NOT NULL PRIMARY KEY, rev BIGINT, doc VARCHAR(200))");
        Object[][] rows = {
            {"a", 1L, "{\"n\": 1}"},
            {"b", 0L, "{\"n\": 2}"},
            {"c", -3L, "{\"n\": 3}"},
            {"d", null, "{\"n\": 4}"},
            {"e", 5L, "{\"n\": oops"},
            {"f", 6L, "{\"n\": 6}"},
            {"g", 7L, "{\"n\": 7}"}
        };
        try (Connection c = tables().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + name + " (id, rev, doc) VALUES (?, ?, ?)")) {
            for (Object[] row : rows) {
                ps.setString(1, (String) row[0]);
                if (row[1] == null) {
                    ps.setNull(2, Types.BIGINT);
                } else {
                    ps.setLong(2, (Long) row[1]);
                }
                ps.setString(3, (String) row[2]);
                ps.executeUpdate();
            }
        }
        return name;
    }

    private JdbcSource source(String table, int segments) throws SQLException {
        return JdbcSource.builder(tables().dataSource())
                .table(table)
                .keyColumn("id")
                .versionColumn("rev")
                .rowMapper(DOC)
                .segments(segments)
                .build();
    }

    @Test
    void eachRejectedRowIsInItsPageAndPagesStayWithinTheLimit() throws Exception {
        JdbcSource source = source(oldTable(), 1);
        List<String> good = new ArrayList<>();
        List<SourceRejection> rejected = new ArrayList<>();
        String token = null;
        do {
            Page page = source.readPage(0, token, 2);
            assertThat(page.read()).isLessThanOrEqualTo(2);
            page.rows().forEach(c -> good.add(c.key()));
            rejected.addAll(page.rejected());
            token = page.next();
        } while (token != null);
        assertThat(good).containsExactly("a", "f", "g");
        assertThat(rejected).extracting(SourceRejection::key).containsExactly("b", "c", "d", "e");
        assertThat(rejected.get(0).reason()).isEqualTo("version column rev is 0, below 1");
        assertThat(rejected.get(1).reason()).isEqualTo("version column rev is -3, below 1");
        assertThat(rejected.get(2).reason()).isEqualTo("version column rev is NULL");
        assertThat(rejected.get(3).reason())
                .startsWith("payload cannot be read: column doc does not hold JSON")
                .doesNotContain("oops");
        assertThat(source.rejectedCount()).isEqualTo(4);
    }

    @Test
    void theBackfillCountsAndListsEveryRejectedRow() throws Exception {
        JdbcVersionedTarget target = FreshTargets.on(tables(), b -> b.segments(3));
        BackfillResult result = Backfill.from(source(oldTable(), 2))
                .to(target)
                .name("rejecting")
                .batchSize(2)
                .build()
                .run();

        BackfillCounts c = result.counts();
        assertThat(result.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        assertThat(c.read()).isEqualTo(7);
        assertThat(c.applied()).isEqualTo(3);
        assertThat(c.rejected()).isEqualTo(4);
        assertThat(c.read()).isEqualTo(c.applied() + c.superseded() + c.duplicate() + c.rejected() + c.collisions());
        assertThat(result.rejections())
                .extracting(BackfillRejection::key)
                .containsExactlyInAnyOrder("b", "c", "d", "e");
        assertThat(result.rejections()).allSatisfy(r -> assertThat(r.step()).isEqualTo(BackfillRejection.Step.SOURCE));
        assertThat(result.truncated()).isFalse();
        assertThat(target.read("a")).isPresent();
        for (String bad : List.of("b", "c", "d", "e")) {
            assertThat(target.read(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void aReconciliationReportsRejectedRowsAsNotMigratedAndARepairLeavesThemAlone() throws Exception {
        String table = oldTable();
        JdbcVersionedTarget target = FreshTargets.on(tables(), b -> b.segments(3));
        Backfill.from(source(table, 2))
                .to(target)
                .name("reconciled")
                .batchSize(3)
                .build()
                .run();
        // the new store already holds b (copied before its row went bad): still not "extra in new"
        target.apply(List.of(Change.upsert("b", 9, JSON.readTree("{\"n\": 2}"))));

        ReconciliationReport report =
                Reconciler.between(source(table, 3), target).buckets(8).run();

        assertThat(report.clean()).isFalse();
        assertThat(report.counts().rejected()).isEqualTo(4);
        assertThat(report.rejected())
                .extracting(ReconciliationReport.Rejection::key)
                .containsExactly("b", "c", "d", "e");
        assertThat(report.rejected())
                .extracting(ReconciliationReport.Rejection::side)
                .containsOnly("old");
        assertThat(report.counts().oldRows()).isEqualTo(3);
        assertThat(report.counts().newRows()).isEqualTo(4);
        assertThat(report.missingInNew()).isEmpty();
        assertThat(report.extraInNew()).isEmpty();
        assertThat(report.different()).isEmpty();
        assertThat(report.summary())
                .contains("reconciliation found differences")
                .contains("rejected (not migrated): 4");

        Path file = Files.createTempFile("reconciliation", ".json");
        report.writeJson(file);
        ReconciliationReport read = ReconciliationReport.readJson(file);
        assertThat(read.rejected()).isEqualTo(report.rejected());
        assertThat(read.counts()).isEqualTo(report.counts());
        assertThat(read.clean()).isFalse();
        Files.delete(file);

        // an authority that finds nothing would delete whatever the report names: it names nothing here
        RepairResult repaired = Repair.from(report)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(key -> Optional.empty())
                .apply(target);
        assertThat(repaired.keys()).isZero();
        assertThat(target.read("b"))
                .hasValueSatisfying(row -> assertThat(row.version()).isEqualTo(9));
        ReconciliationReport after =
                Reconciler.between(source(table, 3), target).buckets(8).run();
        assertThat(after.clean()).isFalse();
        assertThat(after.rejected()).isEqualTo(report.rejected());
    }

    @Test
    void fixingTheRowsInTheOldStoreMakesTheReconciliationClean() throws Exception {
        String table = oldTable();
        JdbcVersionedTarget target = FreshTargets.on(tables(), b -> b.segments(3));
        Backfill.from(source(table, 2)).to(target).name("fixed").build().run();
        tables().execute("UPDATE " + table + " SET rev = 10, doc = '{\"n\": 0}' WHERE id IN ('b', 'c', 'd', 'e')");

        BackfillResult again = Backfill.from(source(table, 2))
                .to(target)
                .name("fixed_again")
                .build()
                .run();
        assertThat(again.counts().rejected()).isZero();
        ReconciliationReport report =
                Reconciler.between(source(table, 2), target).buckets(8).run();
        assertThat(report.clean()).isTrue();
        assertThat(report.counts().oldRows()).isEqualTo(7);
        assertThat(report.counts().rejected()).isZero();
        assertThat(report.rejected()).isEmpty();
    }
}
