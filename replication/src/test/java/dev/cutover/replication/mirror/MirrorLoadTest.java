package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.integration.RealStores;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The load test: 1,000,000 changes through the observer into a {@link JdbcVersionedTarget}
 * on embedded PostgreSQL, 20% of them displaced out of order and 5% delivered twice;
 * reconciliation then reports zero drift. The target takes the mirror's batches of 1,000 in
 * statements of up to {@link JdbcVersionedTarget#MAX_BATCH_SIZE} changes (about 16 s on 2 cores;
 * 23 s at the target's default of 100).
 *
 * <p>The count is the system property {@value #CHANGES_PROPERTY} (default 1,000,000) over a tenth
 * as many keys: creates, edits and deletes, versioned by a global sequence. A displaced change is
 * held back by up to {@value #MAX_DELAY} positions; a duplicate is delivered again up to as many
 * positions later. The expected state is the last change of every key, kept in two arrays while
 * generating, so the test needs memory for the keys only, not for the history.
 */
class MirrorLoadTest {
    static final String CHANGES_PROPERTY = "cutover.loadtest.changes";
    private static final int MAX_DELAY = 5_000;
    private static final long SEED = 20_261_121L;
    /** Changes per statement of the target. */
    private static final int TARGET_BATCH = JdbcVersionedTarget.MAX_BATCH_SIZE;

    /** A change due for delivery at a position of the stream. */
    private record Due(long position, TestEvent event) {}

    @Test
    void aMillionChangesOutOfOrderAndDuplicatedLeaveZeroDrift() throws Exception {
        int changes = Integer.getInteger(CHANGES_PROPERTY, 1_000_000);
        int keys = Math.max(1, changes / 10);
        long[] lastVersion = new long[keys];
        boolean[] lastDeleted = new boolean[keys];
        SplittableRandom random = new SplittableRandom(SEED);
        PriorityQueue<Due> held = new PriorityQueue<>((a, b) -> Long.compare(a.position(), b.position()));
        long displaced = 0;
        long duplicated = 0;
        long delivered = 0;
        JdbcVersionedTarget target = RealStores.freshTarget(
                RealStores.Store.POSTGRES, "mirror_load", b -> b.segments(4).batchSize(TARGET_BATCH));
        try {
            long started = System.nanoTime();
            MirrorCounts counts;
            try (Mirror<TestEvent> mirror = Mirror.to(target)
                    .mapping(TestEvent::toChanges)
                    .name("load")
                    .queue(20_000)
                    .workers(2)
                    .batchSize(1_000)
                    .linger(Duration.ofMillis(5))
                    .maxBlock(Duration.ofSeconds(30))
                    .build()) {
                Consumer<TestEvent> listener = mirror.tap(e -> {});
                for (long position = 0; position < changes; position++) {
                    int k = random.nextInt(keys);
                    long version = position + 1;
                    boolean delete = lastVersion[k] != 0 && !lastDeleted[k] && random.nextInt(10) == 0;
                    TestEvent event = delete
                            ? TestEvent.delete(key(k), version)
                            : TestEvent.upsert(key(k), version, "n" + version);
                    lastVersion[k] = version;
                    lastDeleted[k] = delete;
                    if (random.nextInt(100) < 20) {
                        held.add(new Due(position + 1 + random.nextInt(MAX_DELAY), event));
                        displaced++;
                    } else {
                        listener.accept(event);
                        delivered++;
                    }
                    if (random.nextInt(100) < 5) {
                        held.add(new Due(position + 1 + random.nextInt(MAX_DELAY), event));
                        duplicated++;
                    }
                    while (!held.isEmpty() && held.peek().position() <= position) {
                        listener.accept(held.poll().event());
                        delivered++;
                    }
                }
                while (!held.isEmpty()) {
                    listener.accept(held.poll().event());
                    delivered++;
                }
                assertThat(mirror.awaitQuiet(Duration.ofMinutes(10))).isTrue();
                counts = mirror.counts();
            }
            long mirroredMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(delivered).isEqualTo(changes + duplicated);
            assertThat(counts.mirrored()).isEqualTo(delivered);
            assertThat(counts.dropped() + counts.failed()).isZero();
            assertThat(counts.applied() + counts.superseded() + counts.duplicate())
                    .isEqualTo(delivered);
            assertThat(counts.superseded())
                    .as("changes displaced behind newer ones")
                    .isPositive();
            assertThat(counts.duplicate()).as("duplicates delivered").isPositive();

            InMemoryVersionedTarget expected = new InMemoryVersionedTarget();
            List<Change> finalState = new ArrayList<>(keys);
            for (int k = 0; k < keys; k++) {
                if (lastVersion[k] != 0) {
                    finalState.add(
                            lastDeleted[k]
                                    ? Change.delete(key(k), lastVersion[k])
                                    : TestEvent.upsert(key(k), lastVersion[k], "n" + lastVersion[k])
                                            .toChange());
                }
            }
            expected.apply(finalState);
            long reconcileStarted = System.nanoTime();
            ReconciliationReport report = Reconciler.between(expected, target)
                    .buckets(1024)
                    .pageSize(5_000)
                    .recheck(expected::read, target::read)
                    .recheckAfter(Duration.ZERO)
                    .run();
            long reconcileMillis = (System.nanoTime() - reconcileStarted) / 1_000_000;
            System.out.printf(
                    "mirror load: %,d changes (%,d displaced, %,d duplicates) over %,d keys into PostgreSQL in %,d ms"
                            + " (%,d changes/s): %,d applied, %,d superseded, %,d duplicate; reconciliation of %,d live rows in %,d ms%n",
                    changes,
                    displaced,
                    duplicated,
                    keys,
                    mirroredMillis,
                    delivered * 1000 / Math.max(1, mirroredMillis),
                    counts.applied(),
                    counts.superseded(),
                    counts.duplicate(),
                    report.counts().newRows(),
                    reconcileMillis);
            assertThat(report.clean()).as("%s", report).isTrue();
            assertThat(report.differingBuckets()).isZero();
            assertThat(report.counts().oldRows())
                    .isEqualTo(report.counts().newRows())
                    .isPositive();
        } finally {
            RealStores.drop(RealStores.Store.POSTGRES, target.table());
        }
    }

    private static String key(int k) {
        return "order-" + k;
    }
}
