package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.replication.spi.ShardCheckpointStore.Checkpoint;
import dev.cutover.replication.spi.ShardCheckpointStore.Shard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** What every {@link ShardCheckpointStore} does: exclusive leases, owner-only checkpoints, expiry, release. */
public abstract class ShardCheckpointStoreContract {
    private static final AtomicInteger SHARDS = new AtomicInteger();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract ShardCheckpointStore store();

    private static Shard fresh() {
        return new Shard(
                "contract", "arn:aws:dynamodb:local:000:table/t/stream/1", "shard-" + SHARDS.incrementAndGet());
    }

    @Test
    void aLeaseIsExclusiveUntilItExpires() throws Exception {
        ShardCheckpointStore store = store();
        Shard shard = fresh();
        assertThat(store.lease(shard, "a", T0, T0.plusSeconds(30)))
                .contains(new Checkpoint(null, false, "a", T0.plusSeconds(30)));
        assertThat(store.lease(shard, "b", T0.plusSeconds(10), T0.plusSeconds(40)))
                .as("b while a's lease runs")
                .isEmpty();
        assertThat(store.lease(shard, "a", T0.plusSeconds(10), T0.plusSeconds(40)))
                .as("a renews")
                .isPresent();
        assertThat(store.lease(shard, "b", T0.plusSeconds(35), T0.plusSeconds(65)))
                .as("b before the renewed expiry")
                .isEmpty();
        assertThat(store.lease(shard, "b", T0.plusSeconds(41), T0.plusSeconds(71)))
                .as("b after expiry")
                .isPresent();
        assertThat(store.checkpoint(shard, "a", "100", T0.plusSeconds(80)))
                .as("a's checkpoint after losing")
                .isFalse();
        assertThat(store.finish(shard, "a")).isFalse();
        assertThat(store.read(shard).orElseThrow().owner()).isEqualTo("b");
    }

    @Test
    void checkpointsAndFinishingBelongToTheOwnerAndSurviveRelease() throws Exception {
        ShardCheckpointStore store = store();
        Shard shard = fresh();
        store.lease(shard, "a", T0, T0.plusSeconds(30));
        assertThat(store.checkpoint(shard, "a", "000123", T0.plusSeconds(60))).isTrue();
        assertThat(store.checkpoint(shard, "b", "000999", T0.plusSeconds(60))).isFalse();
        store.release(shard, "a");
        store.release(shard, "b"); // not the owner: nothing happens
        Optional<Checkpoint> taken = store.lease(shard, "b", T0.plusSeconds(1), T0.plusSeconds(31));
        assertThat(taken).as("released: taken at once").isPresent();
        assertThat(taken.get().sequenceNumber()).isEqualTo("000123");
        assertThat(store.finish(shard, "b")).isTrue();
        assertThat(store.read(shard).orElseThrow().finished()).isTrue();
        assertThat(store.read(fresh())).isEmpty();
    }

    /** However many readers race for a free shard, exactly one gets it. */
    @Property(tries = 10)
    void exactlyOneOfRacingReadersGetsAShard(@ForAll @IntRange(min = 2, max = 6) int readers) throws Exception {
        ShardCheckpointStore store = store();
        Shard shard = fresh();
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> got = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                String owner = "r" + r;
                got.add(pool.submit(() -> {
                    go.await();
                    return store.lease(shard, owner, T0, T0.plusSeconds(30)).isPresent();
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> f : got) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
