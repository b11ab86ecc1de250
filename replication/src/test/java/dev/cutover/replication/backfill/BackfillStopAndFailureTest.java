package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillException;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.SegmentedSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

/**
 * stop() and close() end a run between pages and release its segments; an interrupt of the
 * calling thread stops the workers and throws; a failing source fails the run with the cause,
 * and each time running again resumes to the same final state.
 */
class BackfillStopAndFailureTest {

    private static List<Change> rows(int n) {
        return Rows.numbered("stop-", n, 5);
    }

    @Example
    void stopEndsTheRunBetweenPagesAndReleasesItsSegments() throws Exception {
        InMemoryVersionedTarget oldStore = Rows.source(4, rows(2_000));
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        AtomicLong applied = new AtomicLong();
        Backfill backfill = Backfill.from(oldStore)
                .to(new FaultyTarget(target, CrashSwitch.NEVER, applied, null))
                .checkpoints(checkpoints)
                .workers(2)
                .batchSize(20)
                .rateLimit(1_000)
                .build();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<BackfillResult> run = thread.submit(backfill::run);
            await("a few pages copied")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> backfill.progress().counts().read() >= 100);
            assertThat(backfill.running()).isTrue();
            backfill.stop();
            BackfillResult stopped = run.get(10, TimeUnit.SECONDS);
            assertThat(stopped.status()).isEqualTo(BackfillResult.Status.STOPPED);
            assertThat(stopped.counts().read()).isLessThan(2_000);
            assertThat(backfill.running()).isFalse();
            assertThat(checkpoints.checkpoints())
                    .filteredOn(c -> !c.done())
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.leaseUntil()).as("released").isEqualTo(Instant.EPOCH));
        } finally {
            thread.shutdownNow();
        }
        BackfillResult resumed = backfill.run();
        assertThat(resumed.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        assertThat(applied.get()).isEqualTo(2_000);
        Rows.assertSameRows(target, oldStore);
    }

    @Example
    void closeStopsARunAndWaitsForItsWorkers() throws Exception {
        Backfill backfill = Backfill.from(Rows.source(2, rows(1_000)))
                .to(new InMemoryVersionedTarget())
                .name("closing")
                .workers(2)
                .batchSize(10)
                .rateLimit(500)
                .build();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<BackfillResult> run = thread.submit(backfill::run);
            await("running")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> backfill.progress().counts().read() > 0);
            backfill.close();
            assertThat(backfill.running()).as("close() waited for the run").isFalse();
            assertThat(run.get(5, TimeUnit.SECONDS).status()).isEqualTo(BackfillResult.Status.STOPPED);
            await("the workers' threads ended")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> Thread.getAllStackTraces().keySet().stream()
                            .noneMatch(t -> t.getName().startsWith("cutover-backfill-closing-")));
        } finally {
            thread.shutdownNow();
        }
    }

    /** Interrupting run() at a random page stops it; running again ends in the same state. */
    @Property(tries = 25)
    void anInterruptAtAnyPageStopsTheRunAndAResumeCompletesIt(
            @ForAll @IntRange(min = 1, max = 40) int atPage, @ForAll @IntRange(min = 1, max = 3) int workers)
            throws Exception {
        InMemoryVersionedTarget oldStore = Rows.source(3, rows(150));
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        AtomicLong applied = new AtomicLong();
        AtomicReference<@Nullable Thread> caller = new AtomicReference<>();
        AtomicInteger pages = new AtomicInteger();
        Backfill backfill = Backfill.from(oldStore)
                .to(new FaultyTarget(target, CrashSwitch.NEVER, applied, null))
                .checkpoints(checkpoints)
                .workers(workers)
                .batchSize(5)
                .listener(new BackfillListener() {
                    @Override
                    public void onProgress(BackfillProgress progress) {
                        Thread t = caller.get();
                        if (pages.incrementAndGet() == atPage && t != null) {
                            t.interrupt();
                        }
                    }
                })
                .build();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> interrupted = thread.submit(() -> {
                caller.set(Thread.currentThread());
                try {
                    backfill.run();
                    // the interrupt came as the last worker finished: the run ended, the flag is kept
                    return Thread.currentThread().isInterrupted();
                } catch (InterruptedException e) {
                    return true;
                } finally {
                    caller.set(null);
                    Thread.interrupted();
                }
            });
            boolean wasInterrupted = interrupted.get(20, TimeUnit.SECONDS);
            assertThat(wasInterrupted || pages.get() < atPage)
                    .as("interrupted unless it finished first")
                    .isTrue();
        } finally {
            thread.shutdownNow();
        }
        assertThat(backfill.running()).isFalse();
        assertThat(backfill.run().status()).isEqualTo(BackfillResult.Status.COMPLETED);
        assertThat(applied.get()).isEqualTo(150);
        assertThat(checkpoints.checkpoints()).allMatch(Checkpoint::done);
        Rows.assertSameRows(target, oldStore);
    }

    @Example
    void aFailingSourceFailsTheRunWithTheCauseAndARunAgainResumes() throws Exception {
        InMemoryVersionedTarget oldStore = Rows.source(4, rows(400));
        AtomicInteger reads = new AtomicInteger();
        SegmentedSource flaky = new SegmentedSource() {
            @Override
            public int segments() {
                return oldStore.segments();
            }

            @Override
            public String layout() {
                return oldStore.layout();
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
                if (reads.incrementAndGet() == 7) {
                    throw new java.sql.SQLTransientConnectionException("connection reset");
                }
                return oldStore.readPage(segment, token, limit);
            }

            @Override
            public String describe() {
                return "flaky source";
            }
        };
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        Backfill backfill = Backfill.from(flaky)
                .to(target)
                .checkpoints(checkpoints)
                .workers(3)
                .batchSize(10)
                .build();

        assertThatThrownBy(backfill::run)
                .isInstanceOf(BackfillException.class)
                .hasMessageContaining("connection reset")
                .hasMessageContaining("run it again")
                .satisfies(e -> {
                    BackfillResult partial = ((BackfillException) e).result();
                    assertThat(partial.status()).isEqualTo(BackfillResult.Status.FAILED);
                    assertThat(partial.counts().read()).isLessThan(400);
                });
        assertThat(checkpoints.checkpoints())
                .filteredOn(c -> !c.done())
                .allSatisfy(c -> assertThat(c.leaseUntil()).as("released").isEqualTo(Instant.EPOCH));
        assertThat(backfill.run().status()).isEqualTo(BackfillResult.Status.COMPLETED);
        Rows.assertSameRows(target, oldStore);
    }

    @Example
    void anErrorInTheTransformFailsTheRun() throws Exception {
        Backfill backfill = Backfill.from(Rows.source(1, rows(3)))
                .to(new InMemoryVersionedTarget())
                .transform(row -> {
                    throw new AssertionError("bug in the transform");
                })
                .build();
        assertThatThrownBy(backfill::run)
                .isInstanceOf(BackfillException.class)
                .hasCauseInstanceOf(AssertionError.class);
    }

    @Example
    void aSecondConcurrentRunIsRefused() throws Exception {
        Backfill backfill = Backfill.from(Rows.source(1, rows(500)))
                .to(new InMemoryVersionedTarget())
                .batchSize(10)
                .rateLimit(500)
                .build();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<BackfillResult> run = thread.submit(backfill::run);
            await("running").atMost(Duration.ofSeconds(10)).until(backfill::running);
            assertThatThrownBy(backfill::run)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            backfill.stop();
            assertThat(run.get(10, TimeUnit.SECONDS).status()).isEqualTo(BackfillResult.Status.STOPPED);
        } finally {
            thread.shutdownNow();
        }
    }
}
