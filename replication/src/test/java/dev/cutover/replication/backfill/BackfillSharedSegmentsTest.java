package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.testsupport.SharedDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Several backfill processes (Backfill instances with their own owner and their own store object
 * on one table, started together on threads) share the segments through {@link
 * JdbcCheckpointStore}: every segment is copied and marked done exactly once, the rows are read
 * exactly once over all processes, and the target equals the source.
 */
class BackfillSharedSegmentsTest {
    /** Short, so that a process waiting for the others' last segments looks every 200 ms. */
    private static final Duration LEASE = Duration.ofSeconds(2);

    /** Three processes, a PostgreSQL old store read by keyset pages, PostgreSQL checkpoints. */
    @Example
    void threeProcessesShareAPostgresBackfill() throws Exception {
        DataSource pg = SharedDatabases.postgres();
        PostgresOldStore oldStore = new PostgresOldStore(pg, SharedDatabases.uniqueName("old_orders"), 16);
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rows.add(Rows.row("order-" + i + (i % 7 == 0 ? "-ü" : ""), 1 + (i * 7919L) % 100_000));
        }
        oldStore.insert(rows);
        String table = SharedDatabases.uniqueName("shared");
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();

        Outcome outcome = runTogether(
                3,
                2,
                50,
                oldStore,
                target,
                () -> JdbcCheckpointStore.builder(pg, table).build());

        assertThat(outcome.results()).allMatch(r -> r.status() == BackfillResult.Status.COMPLETED);
        assertThat(outcome.results().stream()
                        .mapToLong(r -> r.counts().segmentsCopied())
                        .sum())
                .isEqualTo(16);
        assertReadOnce(outcome, rows.size());
        assertThat(outcome.applied()).isEqualTo(rows.size());
        assertThat(outcome.doneMarks())
                .hasSize(16)
                .allSatisfy((segment, marks) -> assertThat(marks).hasValue(1));
        // as read back from PostgreSQL, by value (the old store reads ints, the target keeps longs), and by key
        // and version as inserted
        assertThat(target.all())
                .extracting(Change::key, Change::version, c -> PayloadDigest.of(c))
                .containsExactlyInAnyOrderElementsOf(Rows.readAll(oldStore).stream()
                        .map(c -> tuple(c.key(), c.version(), PayloadDigest.of(c)))
                        .toList());
        assertThat(target.all())
                .extracting(Change::key, Change::version)
                .containsExactlyInAnyOrderElementsOf(
                        rows.stream().map(r -> tuple(r.key(), r.version())).toList());
        List<Checkpoint> checkpoints =
                JdbcCheckpointStore.builder(pg, table).build().checkpoints();
        assertThat(checkpoints).allMatch(Checkpoint::done);
        assertThat(checkpoints.stream().mapToLong(Checkpoint::rows).sum()).isEqualTo(rows.size());
    }

    /** Any number of processes and workers, on H2 checkpoints, an in-memory old store. */
    @Property(tries = 12)
    void processesShareTheSegmentsOnH2(
            @ForAll @IntRange(min = 2, max = 4) int processes,
            @ForAll @IntRange(min = 1, max = 3) int workers,
            @ForAll @IntRange(min = 1, max = 20) int batchSize,
            @ForAll @IntRange(min = 1, max = 12) int segments,
            @ForAll @Size(max = 300) List<@IntRange(min = 1, max = 1_000_000) Integer> versions)
            throws Exception {
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            rows.add(i % 9 == 4 ? Change.delete("k" + i, versions.get(i)) : Rows.row("k" + i, versions.get(i)));
        }
        InMemoryVersionedTarget oldStore = Rows.source(segments, rows);
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        String table = SharedDatabases.uniqueName("shared");

        Outcome outcome = runTogether(
                processes,
                workers,
                batchSize,
                oldStore,
                target,
                () -> JdbcCheckpointStore.builder(SharedDatabases.h2(), table).build());

        assertThat(outcome.results()).allMatch(r -> r.status() == BackfillResult.Status.COMPLETED);
        assertThat(outcome.results().stream()
                        .mapToLong(r -> r.counts().segmentsCopied())
                        .sum())
                .isEqualTo(segments);
        assertReadOnce(outcome, rows.size());
        assertThat(outcome.applied()).isEqualTo(rows.size());
        assertThat(outcome.doneMarks())
                .hasSize(segments)
                .allSatisfy((segment, marks) -> assertThat(marks).hasValue(1));
        Rows.assertSameRows(target, oldStore);
    }

    /** Rows are read once over all processes, unless a lease expired (a stall of 2 s) and a page was read again. */
    private static void assertReadOnce(Outcome outcome, int rows) {
        long read = outcome.results().stream().mapToLong(r -> r.counts().read()).sum();
        long lost = outcome.results().stream()
                .mapToLong(r -> r.counts().leasesLost())
                .sum();
        if (lost == 0) {
            assertThat(read).as("rows read, all processes").isEqualTo(rows);
        } else {
            assertThat(read)
                    .as("rows read, all processes, %d leases lost", lost)
                    .isGreaterThanOrEqualTo(rows);
        }
    }

    record Outcome(List<BackfillResult> results, long applied, ConcurrentHashMap<Integer, AtomicInteger> doneMarks) {}

    private static Outcome runTogether(
            int processes,
            int workers,
            int batchSize,
            SegmentedSource source,
            InMemoryVersionedTarget target,
            Supplier<CheckpointStore> stores)
            throws Exception {
        AtomicLong applied = new AtomicLong();
        ConcurrentHashMap<Integer, AtomicInteger> doneMarks = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(processes);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<BackfillResult>> running = new ArrayList<>();
            for (int p = 0; p < processes; p++) {
                Backfill backfill = Backfill.from(source)
                        .to(new FaultyTarget(target, CrashSwitch.NEVER, applied, null))
                        .name("shared")
                        .checkpoints(new CrashingCheckpointStore(stores.get(), CrashSwitch.NEVER, doneMarks))
                        .owner("process-" + p)
                        .workers(workers)
                        .batchSize(batchSize)
                        .lease(LEASE)
                        .build();
                Callable<BackfillResult> run = () -> {
                    start.await();
                    return backfill.run();
                };
                running.add(threads.submit(run));
            }
            start.countDown();
            List<BackfillResult> results = new ArrayList<>();
            for (Future<BackfillResult> f : running) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return new Outcome(results, applied.get(), doneMarks);
        } finally {
            threads.shutdownNow();
        }
    }
}
