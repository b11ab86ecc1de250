package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A backfill copying an old store while live traffic writes and deletes in it (each write also
 * delivered to the target, as the observer does) never overwrites a live write and never
 * resurrects a deleted row: once both are done, the target's live rows are exactly the old store's
 * rows, and every key deleted last is a tombstone with the delete's version. Live writes run on
 * their own thread and, to be sure they interleave, one also slips in before each page the
 * backfill applies.
 */
class BackfillLiveWritesProperties {

    /** One live operation: write (or delete) key {@code key % (rows + 5)}. */
    record LiveOp(int key, boolean delete) {}

    record Scenario(List<Long> initialVersions, List<LiveOp> ops, int segments, int workers, int batchSize) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<LiveOp> op = Combinators.combine(
                        Arbitraries.integers().between(0, 200),
                        Arbitraries.integers().between(0, 2).map(i -> i == 0))
                .as(LiveOp::new);
        return Combinators.combine(
                        Arbitraries.longs().between(1, 999_999).list().ofMaxSize(80),
                        op.list().ofMaxSize(60),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 6))
                .as(Scenario::new);
    }

    @Property(tries = 60)
    void liveWritesAndDeletesAreNeverOverwrittenOrResurrected(@ForAll("scenarios") Scenario s) throws Exception {
        HardDeleteOldStore oldStore = new HardDeleteOldStore(s.segments());
        for (int i = 0; i < s.initialVersions().size(); i++) {
            oldStore.write(Rows.row("k" + i, s.initialVersions().get(i)));
        }
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        int keys = s.initialVersions().size() + 5;
        Queue<LiveOp> pending = new ConcurrentLinkedQueue<>(s.ops());
        Map<String, Change> lastLive = new HashMap<>();
        AtomicLong clock = new AtomicLong(1_000_000); // newer than every row already in the old store
        Object serial = new Object(); // the old store serializes writes; the observer delivers them in order
        Runnable liveOne = () -> {
            LiveOp op = pending.poll();
            if (op == null) {
                return;
            }
            synchronized (serial) {
                String key = "k" + (op.key() % keys);
                long version = clock.incrementAndGet();
                Change change = op.delete() ? Change.delete(key, version) : Rows.row(key, version);
                oldStore.write(change);
                try {
                    target.apply(List.of(change));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                lastLive.put(key, change);
            }
        };
        Thread live = new Thread(
                () -> {
                    while (!pending.isEmpty()) {
                        liveOne.run();
                        Thread.yield();
                    }
                },
                "live-writes");
        FaultyTarget.Hook slipIn = batch -> liveOne.run();

        Backfill backfill = Backfill.from(oldStore)
                .to(new FaultyTarget(target, CrashSwitch.NEVER, new AtomicLong(), slipIn))
                .workers(s.workers())
                .batchSize(s.batchSize())
                .lease(Duration.ofMinutes(1))
                .build();
        live.start();
        BackfillResult result = backfill.run();
        live.join(10_000);
        assertThat(live.isAlive()).isFalse();
        while (!pending.isEmpty()) {
            liveOne.run();
        }

        assertThat(result.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        Map<String, Change> old = oldStore.snapshot();
        synchronized (serial) {
            for (Change stored : target.all()) {
                if (stored.isDelete()) {
                    assertThat(old)
                            .as("deleted %s is gone from the old store", stored.key())
                            .doesNotContainKey(stored.key());
                } else {
                    assertThat(old.get(stored.key()))
                            .as("live row %s", stored.key())
                            .isEqualTo(stored);
                }
            }
            for (Change row : old.values()) {
                assertThat(target.read(row.key()))
                        .as("old store row %s copied", row.key())
                        .contains(row);
            }
            for (Change last : lastLive.values()) {
                Optional<Change> stored = target.read(last.key());
                assertThat(stored).as("last live write of %s kept", last.key()).contains(last);
            }
        }
        assertThat(result.counts().read())
                .isEqualTo(result.counts().applied()
                        + result.counts().superseded()
                        + result.counts().duplicate());
    }
}
