package dev.cutover.replication.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Comparison;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryRangeResultStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.integration.RealStores;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcRangeResultStore;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.RangeResultStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A reconciliation split into ranges reports exactly what one reconciler reports: two reconcilers
 * racing for the ranges, or each held to its own half of them, over random tables on embedded
 * PostgreSQL with random drift (rows missing, extra, different, deleted on either side), whatever
 * the ranges, the buckets, the pages, the memory bound and both sides' segments.
 */
class SplitReconcilerProperties {

    /** A drifted pair of tables, and how the work is split. */
    record SplitCase(ReconcilerProperties.Case data, int ranges, boolean disjoint) {}

    @Provide
    Arbitrary<SplitCase> splitCases() {
        return Combinators.combine(
                        new ReconcilerProperties().cases(),
                        Arbitraries.integers().between(1, 7),
                        Arbitraries.of(true, false))
                .as(SplitCase::new);
    }

    @Property(tries = 25)
    void twoReconcilersReportWhatOneReportsOnPostgres(@ForAll("splitCases") SplitCase c) throws Exception {
        ReconcilerProperties.Case d = c.data();
        try (RealStores.ScopedTarget old =
                        RealStores.scopedTarget(RealStores.Store.POSTGRES, "split_old", b -> b.segments(d.segments()));
                RealStores.ScopedTarget neu = RealStores.scopedTarget(
                        RealStores.Store.POSTGRES, "split_new", b -> b.segments(5 - d.segments()))) {
            old.target().apply(d.side(0));
            neu.target().apply(d.side(1));
            Comparison comparison = Comparison.defaults(); // one hash key for redacted values
            Reconciler reconciler = Reconciler.between(old.target(), neu.target())
                    .comparison(comparison)
                    .recheck(old.target(), neu.target())
                    .recheckAfter(Duration.ZERO)
                    .buckets(d.buckets())
                    .pageSize(d.pageSize())
                    .maxRowsInMemory(d.maxRows())
                    .build();
            ReconciliationReport single = reconciler.run();

            String name = RealStores.uniqueName("split");
            JdbcCheckpointStore checkpoints = JdbcCheckpointStore.builder(
                            RealStores.pool(RealStores.Store.POSTGRES), name)
                    .build();
            JdbcRangeResultStore results = JdbcRangeResultStore.builder(
                            RealStores.pool(RealStores.Store.POSTGRES), name)
                    .build();
            try {
                List<ReconciliationReport> reports = both(reconciler, c, checkpoints, results);
                for (ReconciliationReport split : reports) {
                    assertThat(withoutTimes(split)).isEqualTo(withoutTimes(single));
                }
                // both targets scanned in one pass per range report exactly what they report read page by page
                assertThat(withoutTimes(Reconciler.between(Rows.pagesOnly(old.target()), Rows.pagesOnly(neu.target()))
                                .comparison(comparison)
                                .recheck(old.target(), neu.target())
                                .recheckAfter(Duration.ZERO)
                                .buckets(d.buckets())
                                .pageSize(d.pageSize())
                                .maxRowsInMemory(d.maxRows())
                                .run()))
                        .isEqualTo(withoutTimes(single));
                List<Checkpoint> done = checkpoints.checkpoints();
                assertThat(done).hasSize(2 * c.ranges()).allMatch(Checkpoint::done);
                if (c.disjoint()) {
                    for (Checkpoint cp : done) {
                        assertThat(cp.owner()).isEqualTo(cp.segment() % 2 == 0 ? "even" : "odd");
                    }
                }
                // a run started again after every range is done reads nothing and reports the same
                assertThat(withoutTimes(reconciler
                                .split(checkpoints, results)
                                .ranges(c.ranges())
                                .owner("late")
                                .run()))
                        .isEqualTo(withoutTimes(single));
            } finally {
                RealStores.drop(RealStores.Store.POSTGRES, checkpoints.table());
                RealStores.drop(RealStores.Store.POSTGRES, results.table());
            }
        }
    }

    @Property(tries = 100)
    void twoReconcilersReportWhatOneReportsInMemory(@ForAll("splitCases") SplitCase c) throws Exception {
        ReconcilerProperties.Case d = c.data();
        InMemoryVersionedTarget old = new InMemoryVersionedTarget(d.segments(), Clock.systemUTC());
        old.apply(d.side(0));
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget(5 - d.segments(), Clock.systemUTC());
        neu.apply(d.side(1));
        Reconciler reconciler = Reconciler.between(Rows.shuffled(old, d.seed()), neu)
                .recheck(old::read)
                .recheckAfter(Duration.ZERO)
                .buckets(d.buckets())
                .pageSize(d.pageSize())
                .maxRowsInMemory(d.maxRows())
                .build();
        ReconciliationReport single = reconciler.run();
        for (ReconciliationReport split :
                both(reconciler, c, new InMemoryCheckpointStore(), new InMemoryRangeResultStore())) {
            assertThat(withoutTimes(split)).isEqualTo(withoutTimes(single));
        }
    }

    /**
     * Runs two reconcilers at once on the same stores: racing for every range, or (disjoint) the one
     * owning the even ranges, the other the odd ones.
     */
    static List<ReconciliationReport> both(
            Reconciler reconciler, SplitCase c, CheckpointStore checkpoints, RangeResultStore results)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ReconciliationReport>> runs = IntStream.range(0, 2)
                    .mapToObj(i -> {
                        String owner = i == 0 ? "even" : "odd";
                        CheckpointStore view = c.disjoint() ? new OnlyMyHalf(checkpoints, i) : checkpoints;
                        return pool.submit(() -> reconciler
                                .split(view, results)
                                .ranges(c.ranges())
                                .owner(owner)
                                .lease(Duration.ofMinutes(1))
                                .run());
                    })
                    .toList();
            return List.of(runs.get(0).get(60, TimeUnit.SECONDS), runs.get(1).get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    /** The report with its timestamps set aside: they are the only part two runs may not share. */
    static ReconciliationReport withoutTimes(ReconciliationReport r) {
        return new ReconciliationReport(
                r.oldSide(),
                r.newSide(),
                Instant.EPOCH,
                Instant.EPOCH,
                r.buckets(),
                r.differingBuckets(),
                r.rechecked(),
                r.counts(),
                r.missingInNew(),
                r.extraInNew(),
                r.different(),
                r.collisions(),
                r.errors(),
                r.rejected());
    }
}
