package dev.cutover.replication.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillException;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.integration.RealStores.Store;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backfill process killed mid-copy is restarted as a real process would be: it builds its
 * {@link JdbcSource} again while live writes have moved the data. Built with the boundaries the
 * first run kept, as documented, it resumes from the checkpoints and copies every row. Built with
 * boundaries computed again, its segments cover other keys than the checkpoints, so the backfill
 * refuses it before copying anything, naming both layouts.
 */
class RestartedBackfillRebuildsItsSourceTest {
    private static final Duration LONG_LEASE = Duration.ofMinutes(10);

    @Test
    void aRestartedProcessResumesAfterTheTableChanged() throws Exception {
        OldJdbcTable old = OldJdbcTable.create(Store.POSTGRES);
        for (int i = 0; i < 40; i++) {
            old.write(new Write("order-" + (100 + i), i + 1, false, "n", i), false);
        }
        JdbcVersionedTarget target = RealStores.freshTarget(Store.POSTGRES, "restart", b -> b);
        CheckpointStore checkpoints = JdbcCheckpointStore.builder(
                        RealStores.pool(Store.POSTGRES), RealStores.uniqueName("restart"))
                .build();
        DyingProcess first = new DyingProcess(6, true);
        JdbcSource before = old.source(4);
        try {
            Backfill.from(first.source(before, () -> {}))
                    .to(first.target(target))
                    .name("restart")
                    .batchSize(3)
                    .checkpoints(first.checkpoints(checkpoints))
                    .owner("pod-1")
                    .build()
                    .run();
        } catch (BackfillException e) {
            assertThat(first.killed()).isTrue();
        }
        assertThat(first.killed()).isTrue();
        // live writes go on while the process is down: new orders, all below the old keys
        for (int i = 0; i < 40; i++) {
            old.write(new Write("order-0" + (10 + i), 100 + i, false, "n", i), false);
        }
        assertThat(old.source(4).boundaries())
                .as("live writes moved the boundaries")
                .isNotEqualTo(before.boundaries());
        JdbcSource rebuilt = old.source(before.boundaries()); // the restarted process, as documented
        BackfillResult resumed = Backfill.from(rebuilt)
                .to(target)
                .name("restart")
                .batchSize(3)
                .checkpoints(checkpoints)
                .owner("pod-1")
                .build()
                .run();
        assertThat(resumed.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        // every row that existed when the backfill started is copied with its version; rows written
        // while it was down into ranges already done are the observer's to mirror, not the backfill's
        for (int i = 0; i < 40; i++) {
            String key = "order-" + (100 + i);
            long version = i + 1;
            assertThat(target.read(key))
                    .as(key)
                    .hasValueSatisfying(c -> assertThat(c.version()).isEqualTo(version));
        }
    }

    /**
     * Two processes share a backfill: pod-2 claims segments 0 and 1, copies one page of segment 0 and
     * is killed; pod-1 copies segments 2 and 3 and is interrupted while it waits for pod-2's leases.
     * 40 orders are then created below every old key, which moves the boundaries a source computes.
     * Under those, segments 2 and 3 (done) would hold old orders nobody copied: a resume with them
     * would skip those rows. It is refused; the kept boundaries resume and copy every row.
     */
    @Test
    void aRestartWithRecomputedBoundariesIsRefusedBeforeCopyingAndTheKeptOnesResume() throws Exception {
        OldJdbcTable old = OldJdbcTable.create(Store.POSTGRES);
        List<Write> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(new Write("order-" + (100 + i), i + 1, false, "n", i));
        }
        for (Write w : rows) {
            old.write(w, false);
        }
        JdbcVersionedTarget target = RealStores.freshTarget(Store.POSTGRES, "relayout", b -> b);
        CheckpointStore checkpoints = JdbcCheckpointStore.builder(
                        RealStores.pool(Store.POSTGRES), RealStores.uniqueName("relayout"))
                .build();
        JdbcSource before = old.source(4);
        assertThat(before.segments()).isEqualTo(4);
        checkpoints.prepare(before.segments(), before.layout());

        // pod-2: segments 0 and 1 claimed, one page of segment 0 copied and saved, then killed
        CheckpointClaim zero = checkpoints.claim(0, "pod-2", LONG_LEASE).orElseThrow();
        assertThat(checkpoints.claim(1, "pod-2", LONG_LEASE)).isPresent();
        Page page = before.readPage(0, null, 3);
        target.apply(page.rows());
        assertThat(checkpoints.save(zero, page.next(), 3, LONG_LEASE)).isTrue();

        // pod-1: copies what it can claim, segments 2 and 3, and is interrupted waiting for the rest
        CountDownLatch twoDone = new CountDownLatch(2);
        Backfill pod1 = Backfill.from(before)
                .to(target)
                .name("relayout")
                .batchSize(3)
                .workers(2)
                .checkpoints(checkpoints)
                .owner("pod-1")
                .listener(new BackfillListener() {
                    @Override
                    public void onSegmentDone(int segment, long read) {
                        twoDone.countDown();
                    }
                })
                .build();
        ExecutorService process = Executors.newSingleThreadExecutor();
        try {
            Future<BackfillResult> run = process.submit(pod1::run);
            assertThat(twoDone.await(60, TimeUnit.SECONDS))
                    .as("pod-1 copied segments 2 and 3")
                    .isTrue();
            run.cancel(true);
        } finally {
            process.shutdown();
            assertThat(process.awaitTermination(60, TimeUnit.SECONDS))
                    .as("pod-1 stopped")
                    .isTrue();
        }
        assertThat(pod1.running()).isFalse();
        assertThat(checkpoints.checkpoints()).extracting(Checkpoint::done).containsExactly(false, false, true, true);

        // live writes while both are down, all below the old keys; the observer mirrors them
        for (int i = 0; i < 40; i++) {
            Write w = new Write("order-0" + (10 + i), 100 + i, false, "live", i);
            old.write(w, false);
            target.apply(List.of(w.change()));
            rows.add(w);
        }
        JdbcSource recomputed = old.source(4);
        assertThat(recomputed.segments()).isEqualTo(4);
        assertThat(recomputed.boundaries()).isNotEqualTo(before.boundaries());
        assertThat(recomputed.layout()).isNotEqualTo(before.layout());
        List<String> skippedUnderNewSplit = new ArrayList<>();
        for (int segment : new int[] {2, 3}) {
            for (Change c : recomputed.readPage(segment, null, 100).rows()) {
                if (target.read(c.key()).isEmpty()) {
                    skippedUnderNewSplit.add(c.key());
                }
            }
        }
        assertThat(skippedUnderNewSplit)
                .as("rows that segments 2 and 3, done, would skip under the recomputed split")
                .isNotEmpty();

        // pod-2 restarted with boundaries computed again: refused before anything is copied
        Map<String, Change> copied = targetRows(target);
        List<Checkpoint> atRestart = checkpoints.checkpoints();
        Backfill wrong = Backfill.from(recomputed)
                .to(target)
                .name("relayout")
                .batchSize(3)
                .checkpoints(checkpoints)
                .owner("pod-2")
                .build();
        assertThatThrownBy(wrong::run)
                .isInstanceOf(BackfillException.class)
                .hasMessageContaining("cannot start, nothing was copied")
                .hasMessageContaining(before.layout())
                .hasMessageContaining(recomputed.layout())
                .hasMessageContaining("JdbcSource.Builder.boundaries(...)");
        assertThat(wrong.progress().counts().read()).isZero();
        assertThat(targetRows(target)).isEqualTo(copied);
        assertThat(checkpoints.checkpoints()).isEqualTo(atRestart);

        // pod-2 restarted with the kept boundaries: resumes and copies every row
        BackfillResult resumed = Backfill.from(old.source(before.boundaries()))
                .to(target)
                .name("relayout")
                .batchSize(3)
                .checkpoints(checkpoints)
                .owner("pod-2")
                .build()
                .run();
        assertThat(resumed.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        Map<String, Change> expected = new TreeMap<>();
        rows.forEach(w -> expected.put(w.key(), w.change()));
        assertThat(targetRows(target)).isEqualTo(expected);
    }

    /** Every row of the target, by key. */
    private static Map<String, Change> targetRows(JdbcVersionedTarget target) throws Exception {
        Map<String, Change> all = new TreeMap<>();
        for (int segment = 0; segment < target.segments(); segment++) {
            String token = null;
            do {
                Page page = target.readPage(segment, token, 100);
                page.rows().forEach(c -> all.put(c.key(), c));
                token = page.next();
            } while (token != null);
        }
        return all;
    }
}
