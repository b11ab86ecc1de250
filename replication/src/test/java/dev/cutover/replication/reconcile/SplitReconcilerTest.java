package dev.cutover.replication.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryRangeResultStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.integration.RealStores;
import dev.cutover.replication.jdbc.JdbcRangeResultStore;
import dev.cutover.testsupport.SharedDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The split reconciliation's settings, refusals and result stores. */
class SplitReconcilerTest {

    private static Reconciler reconciler() {
        InMemoryVersionedTarget old = new InMemoryVersionedTarget(3, Clock.systemUTC());
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget(2, Clock.systemUTC());
        old.apply(List.of(Rows.live("a", 1, "x"), Rows.live("b", 1, "y"), Rows.live("c", 1, "z")));
        neu.apply(List.of(Rows.live("a", 1, "x"), Rows.live("b", 1, "changed"), Rows.live("d", 1, "w")));
        return Reconciler.between(old, neu).buckets(8).build();
    }

    @Test
    void badSettingsAreRefusedByName() {
        Reconciler.Split split = reconciler().split(new InMemoryCheckpointStore(), new InMemoryRangeResultStore());
        assertThatThrownBy(() -> split.ranges(0)).hasMessage("ranges must be between 1 and 4096 but was 0");
        assertThatThrownBy(() -> split.ranges(4097)).hasMessageContaining("but was 4097");
        assertThatThrownBy(() -> split.owner(" ")).hasMessageContaining("owner must be 1 to 200");
        assertThatThrownBy(() -> split.owner("a\nb")).hasMessageContaining("without control characters");
        assertThatThrownBy(() -> split.lease(Duration.ofMillis(99))).hasMessageContaining("lease must be");
    }

    @Test
    void aSplitReportsTheDifferencesOfASingleRun() throws Exception {
        Reconciler reconciler = reconciler();
        ReconciliationReport single = reconciler.run();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        InMemoryRangeResultStore results = new InMemoryRangeResultStore();
        ReconciliationReport split =
                reconciler.split(checkpoints, results).ranges(3).run();
        assertThat(SplitReconcilerProperties.withoutTimes(split))
                .isEqualTo(SplitReconcilerProperties.withoutTimes(single));
        assertThat(split.counts().missingInNew()).isEqualTo(1);
        assertThat(split.counts().extraInNew()).isEqualTo(1);
        assertThat(split.counts().different()).isEqualTo(1);
        assertThat(results.size()).as("a result per range and pass").isEqualTo(6);
        assertThat(checkpoints.checkpoints()).hasSize(6);
    }

    @Test
    void anotherSplitOfTheSameCheckpointsIsRefusedNamingBoth() throws Exception {
        Reconciler reconciler = reconciler();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        InMemoryRangeResultStore results = new InMemoryRangeResultStore();
        reconciler.split(checkpoints, results).ranges(2).run();
        assertThatThrownBy(
                        () -> reconciler.split(checkpoints, results).ranges(3).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ranges=2")
                .hasMessageContaining("ranges=3");
        Reconciler otherBuckets = Reconciler.between(
                        new InMemoryVersionedTarget(3, Clock.systemUTC()),
                        new InMemoryVersionedTarget(2, Clock.systemUTC()))
                .buckets(16)
                .build();
        assertThatThrownBy(
                        () -> otherBuckets.split(checkpoints, results).ranges(2).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("buckets=8")
                .hasMessageContaining("buckets=16");
    }

    @Test
    void aDoneRangeWhoseResultIsMissingIsNamed() throws Exception {
        Reconciler reconciler = reconciler();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        reconciler.split(checkpoints, new InMemoryRangeResultStore()).ranges(2).run();
        assertThatThrownBy(() -> reconciler
                        .split(checkpoints, new InMemoryRangeResultStore())
                        .ranges(2)
                        .run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("range 0 is done")
                .hasMessageContaining("is missing from in-memory range results");
    }

    @Test
    void jdbcResultsKeepTheFirstResultOfAnIdOnPostgresAndH2() throws Exception {
        for (DataSource ds : List.of(RealStores.pool(RealStores.Store.POSTGRES), SharedDatabases.h2())) {
            String name = SharedDatabases.uniqueName("results");
            JdbcRangeResultStore results =
                    JdbcRangeResultStore.builder(ds, name).build();
            results.prepare();
            results.prepare(); // again: the table exists
            String big = "x".repeat(200_000);
            results.put("claim-1", big);
            results.put("claim-1", "later");
            assertThat(results.get("claim-1")).contains(big);
            assertThat(results.get("claim-2")).isEmpty();
            assertThat(results.table()).isEqualTo("cutover_reconcile_" + name);
        }
        assertThatThrownBy(() -> JdbcRangeResultStore.builder(SharedDatabases.h2(), "Bad-Name"))
                .hasMessageContaining("reconciliation name must match")
                .hasMessageContaining("'Bad-Name'");
    }

    @Test
    void aReconcilerStartedAgainContinuesWithTheRangesLeft() throws Exception {
        Reconciler reconciler = reconciler();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        InMemoryRangeResultStore results = new InMemoryRangeResultStore();
        // a first process that stops after its first range: its store refuses every claim after one
        CountingClaims stopping = new CountingClaims(checkpoints, 1);
        assertThatThrownBy(() -> reconciler
                        .split(stopping, results)
                        .ranges(4)
                        .owner("pod-1")
                        .run())
                .hasMessageContaining("stopped");
        assertThat(checkpoints.checkpoints().get(0).done()).isTrue();
        CountingClaims again = new CountingClaims(checkpoints, Integer.MAX_VALUE);
        ReconciliationReport report =
                reconciler.split(again, results).ranges(4).owner("pod-1").run();
        assertThat(again.claims).as("ranges 1 to 3 and the four second passes").isEqualTo(7);
        assertThat(SplitReconcilerProperties.withoutTimes(report))
                .isEqualTo(SplitReconcilerProperties.withoutTimes(reconciler.run()));
    }
}
