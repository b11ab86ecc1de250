package dev.cutover.benchmarks.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.replication.ReplicationThroughput.Count;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Report;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Result;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Series;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Settings;
import dev.cutover.replication.Change;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replication-throughput harness in miniature, on the same code path as the recorded run:
 * 1,000 rows in batches of 100, 200 DynamoDB items 4 in flight, 1 + 3 rounds. Proves that every
 * measurement runs to the end and counts what it should: every change applied, then every one a
 * duplicate, then every one updated; every row copied and backfilled; a clean reconciliation that
 * read every row of both sides; every DynamoDB item written both ways. No timing is asserted.
 */
class ReplicationThroughputTest {

    private static final int ROWS = 1_000;
    private static final int ITEMS = 200;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyMeasurementRunsAndCountsEveryRow() throws Exception {
        Settings settings = new Settings(ROWS, 100, 200, ITEMS, 4, 1, 3);

        Report r = ReplicationThroughput.run(settings, System.out);
        String markdown = ReplicationThroughput.markdown(r);
        System.out.println(markdown);

        Map<Count, Long> c = r.counts();
        assertThat(c)
                .containsEntry(Count.SOURCE_ROWS, (long) ROWS)
                .containsEntry(Count.PLAIN_INSERT_ROWS, (long) ROWS)
                .containsEntry(Count.PLAIN_UPDATE_ROWS, (long) ROWS)
                .containsEntry(Count.BARE_UPSERT_RETURNED, (long) ROWS)
                .containsEntry(Count.APPLY_APPLIED, (long) ROWS)
                .containsEntry(Count.REAPPLY_DUPLICATE, (long) ROWS)
                .containsEntry(Count.UPDATE_APPLIED, (long) ROWS)
                .containsEntry(Count.RAW_COPY_ROWS, (long) ROWS)
                .containsEntry(Count.BACKFILL_READ, (long) ROWS)
                .containsEntry(Count.BACKFILL_APPLIED, (long) ROWS)
                .containsEntry(Count.BACKFILL_SEGMENTS, (long) ReplicationThroughput.SOURCE_SEGMENTS)
                .containsEntry(Count.BACKFILL_TARGET_ROWS, (long) ROWS)
                .containsEntry(Count.INSERT_SELECT_ROWS, (long) ROWS)
                .containsEntry(Count.RECONCILE_OLD_ROWS, (long) ROWS)
                .containsEntry(Count.RECONCILE_NEW_ROWS, (long) ROWS)
                .containsEntry(Count.RECONCILE_DISCREPANCIES, 0L)
                .containsEntry(Count.RAW_SCAN_ROWS, 2L * ROWS)
                .containsEntry(Count.SOURCE_READS_ROWS, 2L * ROWS)
                .containsEntry(Count.DYNAMO_APPLIED, (long) ITEMS)
                .containsEntry(Count.DYNAMO_PUT_ITEMS, (long) ITEMS);
        Rows rows = Rows.generate(ROWS);
        assertThat(c.get(Count.UPDATE_VERSION_SUM))
                .isEqualTo(rows.v2.stream().mapToLong(Change::version).sum());
        assertThat(c).hasSize(Count.values().length);

        assertThat(r.results()).extracting(Result::scenario).hasSize(13);
        for (Result x : r.results()) {
            for (Series s : new Series[] {x.cutover(), x.baseline()}) {
                assertThat(s.seconds()).as(x.scenario() + ": " + s.label()).hasSize(3);
                assertThat(java.util.Arrays.stream(s.seconds()).min().orElseThrow())
                        .isPositive();
                assertThat(s.min()).isLessThanOrEqualTo(s.median());
                assertThat(s.median()).isLessThanOrEqualTo(s.max());
            }
            assertThat(x.ratio()).as(x.scenario()).isPositive().isFinite();
        }
        assertThat(r.plainForms()).hasSize(PlainInsert.values().length);
        assertThat(markdown)
                .contains(
                        "| apply into an empty table |",
                        "| backfill |",
                        "| reconciliation (rows of both sides) |",
                        "| DynamoDB Local: conditional apply vs unconditional PutItem |");
    }

    @Test
    void rowsAreAbout300BytesAndTheSecondVersionIsNewer() {
        Rows rows = Rows.generate(1_000);
        assertThat(rows.v1).hasSize(1_000);
        assertThat(rows.v1.get(0).key()).isEqualTo("c-000001");
        assertThat(rows.meanBytes).isBetween(250.0, 350.0);
        for (int i = 0; i < rows.v1.size(); i++) {
            assertThat(rows.v2.get(i).version()).isEqualTo(rows.v1.get(i).version() + 1);
            assertThat(rows.v2.get(i).payload()).isNotEqualTo(rows.v1.get(i).payload());
        }
    }

    @Test
    void medianIsTheMiddleRate() {
        Series s = new Series("x", 100, new double[] {1.0, 4.0, 2.0});
        assertThat(s.median()).isEqualTo(50.0);
        assertThat(s.min()).isEqualTo(25.0);
        assertThat(s.max()).isEqualTo(100.0);
    }
}
