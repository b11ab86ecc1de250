package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillException;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.SegmentedSource;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Example;
import org.jspecify.annotations.Nullable;

/**
 * A backfill records its source's layout with its checkpoints and refuses, before copying
 * anything, a later run whose source is split otherwise; the layouts of the in-memory sources.
 */
class BackfillLayoutTest {
    @Example
    void aRunWithTheSourceSplitOtherwiseFailsBeforeCopyingAndTheOriginalSplitResumes() throws Exception {
        InMemoryVersionedTarget oldStore = Rows.source(4, Rows.numbered("layout-", 200, 1));
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        AtomicReference<@Nullable Backfill> first = new AtomicReference<>();
        BackfillListener stopAfterTwoSegments = new BackfillListener() {
            private int done;

            @Override
            public synchronized void onSegmentDone(int segment, long rows) {
                if (++done == 2) {
                    Backfill b = first.get();
                    if (b != null) {
                        b.stop();
                    }
                }
            }
        };
        first.set(Backfill.from(new CountingSource(oldStore, "ranges v1"))
                .to(target)
                .checkpoints(checkpoints)
                .workers(1)
                .batchSize(10)
                .listener(stopAfterTwoSegments)
                .build());
        assertThat(first.get().run().status()).isEqualTo(BackfillResult.Status.STOPPED);
        List<Checkpoint> stopped = checkpoints.checkpoints();
        assertThat(stopped).filteredOn(Checkpoint::done).hasSize(2);
        List<Change> copied = target.all();

        Backfill recomputed = Backfill.from(new CountingSource(oldStore, "ranges v2"))
                .to(target)
                .checkpoints(checkpoints)
                .name("orders")
                .build();
        assertThatThrownBy(recomputed::run)
                .isInstanceOf(BackfillException.class)
                .hasMessageStartingWith("backfill 'orders' cannot start, nothing was copied")
                .hasMessageContaining("'ranges v1'")
                .hasMessageContaining("'ranges v2'")
                .hasMessageContaining("JdbcSource.Builder.boundaries")
                .hasCauseInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(
                                ((BackfillException) e).result().counts().read())
                        .isZero());
        assertThat(target.all()).isEqualTo(copied);
        assertThat(checkpoints.checkpoints()).isEqualTo(stopped);
        assertThat(checkpoints.layout()).hasValue("ranges v1");

        BackfillResult resumed = Backfill.from(new CountingSource(oldStore, "ranges v1"))
                .to(target)
                .checkpoints(checkpoints)
                .build()
                .run();
        assertThat(resumed.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        Rows.assertSameRows(target, oldStore);
    }

    @Example
    void anotherSegmentCountOrABlankLayoutCannotStart() throws Exception {
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        Backfill.from(Rows.source(4, Rows.numbered("layout-", 20, 1)))
                .to(target)
                .checkpoints(checkpoints)
                .build()
                .run();
        assertThatThrownBy(() -> Backfill.from(Rows.source(3, Rows.numbered("layout-", 20, 1)))
                        .to(target)
                        .checkpoints(checkpoints)
                        .build()
                        .run())
                .isInstanceOf(BackfillException.class)
                .hasMessageContaining("cannot start")
                .hasMessageContaining("'string hash, 4 segments'")
                .hasMessageContaining("'string hash, 3 segments'");
        assertThatThrownBy(() -> Backfill.from(new CountingSource(Rows.source(2, Rows.numbered("layout-", 5, 1)), " "))
                        .to(target)
                        .build()
                        .run())
                .isInstanceOf(BackfillException.class)
                .hasMessageContaining("cannot start")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void aSourceSplitByItsSegmentCountAloneHasTheDefaultLayout() throws Exception {
        InMemoryVersionedTarget store = new InMemoryVersionedTarget(5, Clock.systemUTC());
        SegmentedSource plain = new SegmentedSource() {
            @Override
            public int segments() {
                return 3;
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) {
                return new Page(List.of(), null);
            }

            @Override
            public String describe() {
                return "plain";
            }
        };
        assertThat(plain.layout()).isEqualTo("3 segments");
        assertThat(store.layout())
                .isEqualTo("string hash, 5 segments")
                .isEqualTo(new InMemoryVersionedTarget(5, Clock.systemUTC()).layout())
                .isNotEqualTo(new InMemoryVersionedTarget(4, Clock.systemUTC()).layout());
    }
}
