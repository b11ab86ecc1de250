package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.testsupport.SharedDatabases;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Re-running a finished backfill changes nothing: with the same checkpoints it reads nothing (every
 * segment is done); with fresh checkpoints it copies everything again and the target answers
 * DUPLICATE for every row, or SUPERSEDED where a live write came in since.
 */
class BackfillRerunProperties {

    @Provide
    Arbitrary<List<Change>> rows() {
        return Rows.rows(80);
    }

    @Property(tries = 40)
    void reRunningChangesNothing(
            @ForAll("rows") List<Change> rows,
            @ForAll @IntRange(min = 1, max = 5) int segments,
            @ForAll @IntRange(min = 1, max = 3) int workers,
            @ForAll @IntRange(min = 1, max = 9) int batchSize,
            @ForAll @IntRange(min = 0, max = 4) int liveEvery)
            throws Exception {
        InMemoryVersionedTarget oldStore = Rows.source(segments, rows);
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        Backfill backfill = backfill(oldStore, target, checkpoints, workers, batchSize);

        BackfillResult first = backfill.run();
        assertThat(first.counts().applied()).isEqualTo(rows.size());
        List<Change> copied = target.all();

        BackfillResult again = backfill.run();
        assertThat(again.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        assertThat(again.counts()).isEqualTo(BackfillCounts.ZERO);
        assertThat(target.all()).isEqualTo(copied);

        // live writes since the copy: newer versions of some keys
        List<Change> live = new ArrayList<>();
        for (int i = 0; liveEvery > 0 && i < rows.size(); i += liveEvery) {
            live.add(Rows.row(rows.get(i).key(), rows.get(i).version() + 1));
        }
        if (!live.isEmpty()) {
            target.apply(live);
        }
        List<Change> afterLive = target.all();
        BackfillResult fresh = backfill(oldStore, target, new InMemoryCheckpointStore(), workers, batchSize)
                .run();
        assertThat(fresh.counts().read()).isEqualTo(rows.size());
        assertThat(fresh.counts().applied()).isZero();
        assertThat(fresh.counts().superseded()).isEqualTo(live.size());
        assertThat(fresh.counts().duplicate()).isEqualTo(rows.size() - live.size());
        assertThat(target.all()).isEqualTo(afterLive);
    }

    @Example
    void reRunningOnJdbcCheckpointsReadsNothing() throws Exception {
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(Rows.row("r" + i, 10 + i));
        }
        InMemoryVersionedTarget oldStore = Rows.source(7, rows);
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        String table = SharedDatabases.uniqueName("rerun");
        CheckpointStore h2 =
                JdbcCheckpointStore.builder(SharedDatabases.h2(), table).build();
        assertThat(backfill(oldStore, target, h2, 2, 16).run().counts().applied())
                .isEqualTo(200);
        // another process (a new store object on the same table) finds nothing to do
        CheckpointStore again =
                JdbcCheckpointStore.builder(SharedDatabases.h2(), table).build();
        BackfillResult result = backfill(oldStore, target, again, 2, 16).run();
        assertThat(result.counts()).isEqualTo(BackfillCounts.ZERO);
        assertThat(result.segmentsDone()).isEqualTo(7);
        Rows.assertSameRows(target, oldStore);
    }

    private static Backfill backfill(
            InMemoryVersionedTarget source,
            InMemoryVersionedTarget target,
            CheckpointStore checkpoints,
            int workers,
            int batchSize) {
        return Backfill.from(source)
                .to(target)
                .checkpoints(checkpoints)
                .workers(workers)
                .batchSize(batchSize)
                .build();
    }
}
