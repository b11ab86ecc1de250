package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.TransformResult;
import dev.cutover.replication.metrics.BackfillMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;

/** The Micrometer binder reads the backfill's counters and progress. */
class BackfillMetricsTest {

    @Example
    void metersFollowTheBackfillOverItsRuns() throws Exception {
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            rows.add(Rows.row("m-" + i, 1 + i));
        }
        InMemoryVersionedTarget source = Rows.source(3, rows);
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        InMemoryCheckpointStore first = new InMemoryCheckpointStore();
        Backfill backfill = Backfill.from(source)
                .to(target)
                .name("orders")
                .checkpoints(first)
                .batchSize(25)
                .transform(
                        row -> row.key().equals("m-7") ? TransformResult.reject("test") : TransformResult.accept(row))
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BackfillMetrics.of(backfill, Tags.of("team", "payments")).bindTo(registry);
        assertThat(registry.get("cutover.backfill.running")
                        .tag("backfill", "orders")
                        .tag("team", "payments")
                        .gauge()
                        .value())
                .isZero();

        backfill.run();
        assertThat(rowsCounter(registry, "read")).isEqualTo(120);
        assertThat(rowsCounter(registry, "applied")).isEqualTo(119);
        assertThat(rowsCounter(registry, "rejected")).isEqualTo(1);
        assertThat(rowsCounter(registry, "duplicate")).isZero();
        assertThat(registry.get("cutover.backfill.segments.copied")
                        .functionCounter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("cutover.backfill.segments.done").gauge().value())
                .isEqualTo(3);
        assertThat(registry.get("cutover.backfill.segments.total").gauge().value())
                .isEqualTo(3);
        assertThat(registry.get("cutover.backfill.eta").gauge().value()).isZero();
        assertThat(registry.get("cutover.backfill.rate").gauge().value()).isPositive();
        assertThat(registry.get("cutover.backfill.leases.lost")
                        .functionCounter()
                        .count())
                .isZero();

        // the counters add up over runs of the same instance
        backfill.run();
        assertThat(rowsCounter(registry, "read")).isEqualTo(120);
        Backfill again = Backfill.from(source)
                .to(target)
                .name("orders")
                .checkpoints(new InMemoryCheckpointStore())
                .build();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        BackfillMetrics.of(again).bindTo(second);
        again.run();
        assertThat(second.get("cutover.backfill.rows")
                        .tag("outcome", "duplicate")
                        .functionCounter()
                        .count())
                .isEqualTo(119);
        assertThat(second.get("cutover.backfill.rows")
                        .tag("outcome", "superseded")
                        .functionCounter()
                        .count())
                .isZero();
        assertThat(second.get("cutover.backfill.rows")
                        .tag("outcome", "collision")
                        .functionCounter()
                        .count())
                .isZero();
    }

    private static double rowsCounter(SimpleMeterRegistry registry, String outcome) {
        return registry.get("cutover.backfill.rows")
                .tag("outcome", outcome)
                .tag("backfill", "orders")
                .functionCounter()
                .count();
    }
}
