package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.testsupport.MutableClock;
import dev.cutover.testsupport.SharedDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import net.jqwik.api.Example;

/**
 * A stalled owner's segment is taken over once its lease expired; when the stalled owner wakes up,
 * its checkpoint save is refused, it stops copying that segment (reporting the lost lease), and the
 * checkpoint stays as the new owner left it. Leases expire by moving the store's clock. The two
 * processes are two Backfill instances with their own owner on one store (for JDBC, as two
 * processes on one table would be).
 */
class BackfillLeaseTakeoverTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int ROWS = 240;

    @Example
    void inMemory() throws Exception {
        takeOver(InMemoryCheckpointStore::new);
    }

    @Example
    void h2() throws Exception {
        String table = SharedDatabases.uniqueName("takeover");
        takeOver(clock -> JdbcCheckpointStore.builder(SharedDatabases.h2(), table)
                .clock(clock)
                .build());
    }

    @Example
    void postgres() throws Exception {
        String table = SharedDatabases.uniqueName("takeover");
        takeOver(clock -> JdbcCheckpointStore.builder(SharedDatabases.postgres(), table)
                .clock(clock)
                .build());
    }

    private static void takeOver(Function<Clock, CheckpointStore> stores) throws Exception {
        MutableClock clock = new MutableClock();
        CheckpointStore store = stores.apply(clock);
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(Rows.row("lease-" + i, 1 + i));
        }
        InMemoryVersionedTarget oldStore = Rows.source(4, rows);
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        ConcurrentHashMap<Integer, AtomicInteger> doneMarks = new ConcurrentHashMap<>();
        AtomicLong applied = new AtomicLong();

        // A stalls in its second apply, holding one segment with one page checkpointed
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch wakeUp = new CountDownLatch(1);
        AtomicInteger applies = new AtomicInteger();
        FaultyTarget.Hook stall = batch -> {
            if (applies.incrementAndGet() == 2) {
                stalled.countDown();
                assertThat(wakeUp.await(30, TimeUnit.SECONDS)).isTrue();
            }
        };
        List<Integer> lost = new CopyOnWriteArrayList<>();
        Backfill a = Backfill.from(oldStore)
                .to(new FaultyTarget(target, CrashSwitch.NEVER, applied, stall))
                .checkpoints(new CrashingCheckpointStore(store, CrashSwitch.NEVER, doneMarks))
                .owner("stalled-a")
                .workers(1)
                .batchSize(10)
                .lease(LEASE)
                .listener(new BackfillListener() {
                    @Override
                    public void onLeaseLost(int segment) {
                        lost.add(segment);
                    }
                })
                .build();
        // B's short real lease only makes it look for free segments often (every 20 ms)
        Backfill b = Backfill.from(oldStore)
                .to(new FaultyTarget(target, CrashSwitch.NEVER, applied, null))
                .checkpoints(new CrashingCheckpointStore(store, CrashSwitch.NEVER, doneMarks))
                .owner("taker-b")
                .workers(2)
                .batchSize(10)
                .lease(Duration.ofMillis(200))
                .build();

        ExecutorService processes = Executors.newFixedThreadPool(2);
        try {
            Future<BackfillResult> aRun = processes.submit(a::run);
            assertThat(stalled.await(30, TimeUnit.SECONDS)).as("A stalled").isTrue();
            int held = store.checkpoints().stream()
                    .filter(c -> "stalled-a".equals(c.owner()))
                    .findFirst()
                    .orElseThrow()
                    .segment();
            assertThat(store.checkpoints().get(held).rows())
                    .as("A checkpointed a page")
                    .isEqualTo(10);

            // before A's lease expires, B copies every other segment, and waits for A's
            clock.advance(LEASE.dividedBy(2));
            Future<BackfillResult> bRun = processes.submit(b::run);
            await("B copied the other segments").atMost(Duration.ofSeconds(20)).until(() -> doneMarks.size() == 3);
            assertThat(bRun.isDone()).as("B waits for A's segment").isFalse();

            // A's lease expires: B takes the segment over from A's checkpoint and finishes it
            clock.advance(LEASE);
            BackfillResult bResult = bRun.get(30, TimeUnit.SECONDS);
            assertThat(bResult.status()).isEqualTo(BackfillResult.Status.COMPLETED);
            assertThat(bResult.counts().segmentsCopied()).isEqualTo(4);
            Checkpoint taken = store.checkpoints().get(held);
            assertThat(taken.done()).isTrue();
            assertThat(taken.owner()).isEqualTo("taker-b");

            // A wakes up: its page lands harmlessly (DUPLICATE), its save is refused, and it stops
            wakeUp.countDown();
            BackfillResult aResult = aRun.get(30, TimeUnit.SECONDS);
            assertThat(aResult.status()).isEqualTo(BackfillResult.Status.COMPLETED);
            assertThat(aResult.counts().leasesLost()).isEqualTo(1);
            assertThat(aResult.counts().segmentsCopied()).isZero();
            assertThat(aResult.counts().duplicate()).isEqualTo(10);
            assertThat(lost).containsExactly(held);
            assertThat(store.checkpoints().get(held))
                    .as("A did not overwrite B's checkpoint")
                    .isEqualTo(taken);
            assertThat(doneMarks)
                    .hasSize(4)
                    .allSatisfy((segment, marks) -> assertThat(marks).hasValue(1));
            assertThat(applied.get()).as("rows applied in effect").isEqualTo(ROWS);
            Rows.assertSameRows(target, oldStore);
        } finally {
            wakeUp.countDown();
            processes.shutdownNow();
        }
    }
}
