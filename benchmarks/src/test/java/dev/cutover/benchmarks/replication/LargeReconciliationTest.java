package dev.cutover.benchmarks.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.replication.LargeReconciliation.Report;
import dev.cutover.benchmarks.replication.LargeReconciliation.Settings;
import dev.cutover.benchmarks.replication.LargeReconciliation.Step;
import dev.cutover.benchmarks.replication.LargeReconciliationWorker.Counts;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 10,000,000-row reconciliation program in miniature, on the same code path: 20,000 rows per
 * table loaded with {@code COPY}, then every step once (the split over two worker JVMs, not the one
 * over a single worker JVM, which runs the same code).
 * Proves that every step reads every row of both sides and that every report, the merged reports of
 * the worker JVMs included, is clean. No timing is asserted.
 */
class LargeReconciliationTest {

    private static final int ROWS = 20_000;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyStepReadsEveryRowAndReportsNothing() throws Exception {
        // every part but one-jvm, whose code path (one worker JVM instead of two) two-jvms runs
        Set<String> parts = new HashSet<>(LargeReconciliation.PARTS);
        parts.remove("one-jvm");
        Settings settings = new Settings(ROWS, 1, 500, 4, 4, parts, null);

        Report r = LargeReconciliation.run(settings, System.out);
        System.out.println(LargeReconciliation.markdown(r));

        Counts clean = new Counts(ROWS, ROWS, 0, 0, true);
        Step[] steps = {Step.RAW, Step.BETWEEN, Step.SPLIT, Step.TWO_JVMS, Step.READS};
        assertThat(r.counts()).containsOnlyKeys(steps);
        assertThat(r.counts())
                .allSatisfy((step, counts) -> assertThat(counts).as(step.label).isEqualTo(clean));
        assertThat(r.seconds()).containsOnlyKeys(steps);
        assertThat(r.tables()).contains(LargeReconciliation.OLD_TABLE, LargeReconciliation.NEW_TABLE);
    }

    @Test
    void keysSortAsTheirNumbersDo() {
        assertThat(LargeReconciliation.key(9_999_999)).isEqualTo("c-09999999");
        assertThat(LargeReconciliation.key(10_000_000)).isEqualTo("c-10000000");
        assertThat(LargeReconciliation.key(9_999_999)).isLessThan(LargeReconciliation.key(10_000_000));
    }

    @Test
    void aWorkersReportLineReadsBack() {
        Counts c = new Counts(3, 4, 5, 6, false);
        String line = LargeReconciliationWorker.REPORT + " old=3 new=4 discrepancies=5 rejected=6 clean=false";
        assertThat(Counts.parse("worker output: " + line)).isEqualTo(c);
    }
}
