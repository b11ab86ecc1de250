package dev.cutover.replication.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Difference;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcRangeResultStore;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.testsupport.ChildJvm;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A split reconciliation whose process, in another JVM, is killed with {@code kill -9} by its PID
 * while it holds a range: another process finishes the whole run, taking the killed process's
 * range over after its lease and keeping the ranges it had done, with the report of a single run.
 */
class SplitReconcileKilledTest {

    @Test
    void aReconcilerKilledMidRunIsFinishedByAnother() throws Exception {
        TestDatabase db = DatabaseKind.POSTGRES.createDatabase("splitkill");
        DataSource ds = SplitReconcileChild.dataSource(db.jdbcUrl(), db.user());
        JdbcVersionedTarget old = SplitReconcileChild.target(ds, "old_orders");
        JdbcVersionedTarget neu = SplitReconcileChild.target(ds, "new_orders");
        old.createTableIfMissing();
        neu.createTableIfMissing();
        old.apply(SplitReconcileChild.oldRows());
        neu.apply(SplitReconcileChild.newRows());
        ReconciliationReport single = SplitReconcileChild.reconciler(old, neu).run();
        assertThat(single.clean()).isFalse();

        // the child does ranges 0 and 1 (old segments 0 to 3), then blocks in range 2
        ChildJvm child = ChildJvm.start(
                SplitReconcileChild.class, db.jdbcUrl(), db.user(), "old_orders", "new_orders", "orders", "4");
        JdbcCheckpointStore checkpoints =
                JdbcCheckpointStore.builder(ds, "orders").build();
        JdbcRangeResultStore results =
                JdbcRangeResultStore.builder(ds, "orders").build();
        try {
            assertThat(child.awaitLine(SplitReconcileChild.BLOCKED, Duration.ofSeconds(120)))
                    .as("the child blocked in range 2: %s", child.output())
                    .isTrue();
            List<Checkpoint> before = checkpoints.checkpoints();
            assertThat(before.subList(0, 2)).allMatch(Checkpoint::done);
            assertThat(before.get(2).done()).isFalse();
            assertThat(before.get(2).owner()).isEqualTo("child");

            assertThat(child.kill9()).as("kill -9").isEqualTo(137);

            ReconciliationReport finished = SplitReconcileChild.reconciler(old, neu)
                    .split(checkpoints, results)
                    .ranges(SplitReconcileChild.RANGES)
                    .owner("survivor")
                    .lease(SplitReconcileChild.LEASE)
                    .run();

            // value hashes are keyed by each process's Comparison (as two single runs' are): masked
            assertThat(withoutHashKeys(SplitReconcilerProperties.withoutTimes(finished)))
                    .usingRecursiveComparison()
                    .isEqualTo(withoutHashKeys(SplitReconcilerProperties.withoutTimes(single)));
            List<Checkpoint> after = checkpoints.checkpoints();
            assertThat(after).allMatch(Checkpoint::done);
            assertThat(after.subList(0, 2)).allMatch(c -> "child".equals(c.owner()));
            assertThat(after.subList(2, after.size())).allMatch(c -> "survivor".equals(c.owner()));
        } finally {
            child.close();
        }
    }

    /** The report with each value hash replaced by a mark that it was there. */
    private static ReconciliationReport withoutHashKeys(ReconciliationReport r) {
        return new ReconciliationReport(
                r.oldSide(),
                r.newSide(),
                r.startedAt(),
                r.finishedAt(),
                r.buckets(),
                r.differingBuckets(),
                r.rechecked(),
                r.counts(),
                masked(r.missingInNew()),
                masked(r.extraInNew()),
                masked(r.different()),
                r.collisions(),
                r.errors(),
                r.rejected());
    }

    private static List<Discrepancy> masked(List<Discrepancy> list) {
        return list.stream()
                .map(d -> new Discrepancy(
                        d.key(),
                        d.oldKeys(),
                        d.oldVersion(),
                        d.newVersion(),
                        d.differences().stream()
                                .map(x -> new Difference(
                                        x.path(),
                                        x.kind(),
                                        x.oldHash() == null ? null : "hash",
                                        x.newHash() == null ? null : "hash",
                                        x.oldValue(),
                                        x.newValue()))
                                .toList(),
                        d.differencesTruncated(),
                        d.oldDigest(),
                        d.newDigest()))
                .toList();
    }
}
