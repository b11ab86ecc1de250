package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.BackfillRowEstimate;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.spi.SegmentedSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Example;
import org.jspecify.annotations.Nullable;

/** Progress reaches the listener after every page, with rows, rate and an ETA by rows or by segments. */
class BackfillProgressTest {

    static final class Recorder implements BackfillListener {
        final List<BackfillProgress> progress = new CopyOnWriteArrayList<>();
        final Map<Integer, Long> segmentsDone = new ConcurrentHashMap<>();
        final List<BackfillResult> finished = new CopyOnWriteArrayList<>();

        @Override
        public void onProgress(BackfillProgress p) {
            progress.add(p);
        }

        @Override
        public void onSegmentDone(int segment, long rows) {
            assertThat(segmentsDone.put(segment, rows))
                    .as("segment %d done once", segment)
                    .isNull();
        }

        @Override
        public void onFinished(BackfillResult result) {
            finished.add(result);
        }
    }

    private static InMemoryVersionedTarget source(int segments, int rows) throws Exception {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            changes.add(Rows.row("p-" + i, 1 + i));
        }
        return Rows.source(segments, changes);
    }

    @Example
    void progressCountsRowsAndSegmentsAndGivesAnEtaByRows() throws Exception {
        Recorder recorder = new Recorder();
        BackfillResult result = Backfill.from(source(4, 1_000))
                .to(new InMemoryVersionedTarget())
                .workers(2)
                .batchSize(50)
                .estimatedRows(1_000)
                .listener(recorder)
                .build()
                .run();

        assertThat(recorder.progress).hasSizeGreaterThanOrEqualTo(1_000 / 50);
        assertThat(recorder.progress).allSatisfy(p -> {
            assertThat(p.segmentsTotal()).isEqualTo(4);
            assertThat(p.eta()).as("ETA by rows from the first page on").isNotNull();
            assertThat(p.counts().read()).isPositive();
            assertThat(p.rowsPerSecond()).isPositive();
        });
        assertThat(recorder.progress).anySatisfy(p -> {
            assertThat(p.segmentsDone()).isEqualTo(4);
            assertThat(p.eta()).isEqualTo(Duration.ZERO);
        });
        assertThat(recorder.segmentsDone.values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(1_000);
        assertThat(recorder.segmentsDone).hasSize(4);
        assertThat(recorder.finished).containsExactly(result);
        assertThat(result.segmentsDone()).isEqualTo(4);
        assertThat(result.counts().segmentsCopied()).isEqualTo(4);
        assertThat(result.duration()).isPositive();
    }

    @Example
    void withoutARowCountTheEtaGoesBySegments() throws Exception {
        Recorder recorder = new Recorder();
        Backfill.from(source(1, 100))
                .to(new InMemoryVersionedTarget())
                .batchSize(10)
                .listener(recorder)
                .build()
                .run();
        List<BackfillProgress> events = recorder.progress;
        assertThat(events.subList(0, events.size() - 1))
                .as("no basis before a segment is done")
                .allSatisfy(p -> assertThat(p.eta()).isNull());
        assertThat(events.get(events.size() - 1).eta()).isEqualTo(Duration.ZERO);
    }

    @Example
    void aSourceThatKnowsItsSizeGivesTheEtaByRows() throws Exception {
        InMemoryVersionedTarget rows = source(1, 100);
        final class Estimated implements SegmentedSource, BackfillRowEstimate {
            @Override
            public OptionalLong estimatedRows() {
                return OptionalLong.of(100);
            }

            @Override
            public int segments() {
                return rows.segments();
            }

            @Override
            public String layout() {
                return rows.layout();
            }

            @Override
            public Page readPage(int segment, @Nullable String token, int limit) {
                return rows.readPage(segment, token, limit);
            }

            @Override
            public String describe() {
                return "estimated";
            }
        }
        Recorder recorder = new Recorder();
        Backfill.from(new Estimated())
                .to(new InMemoryVersionedTarget())
                .batchSize(10)
                .listener(recorder)
                .build()
                .run();
        assertThat(recorder.progress).allSatisfy(p -> assertThat(p.eta()).isNotNull());
    }

    @Example
    void aThrowingListenerDoesNotStopTheBackfill() throws Exception {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        InMemoryVersionedTarget source = source(2, 50);
        BackfillResult result = Backfill.from(source)
                .to(target)
                .batchSize(7)
                .listener(new BackfillListener() {
                    @Override
                    public void onProgress(BackfillProgress progress) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .build()
                .run();
        assertThat(result.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        Rows.assertSameRows(target, source);
    }
}
