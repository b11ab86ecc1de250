package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Mirror;
import dev.cutover.replication.metrics.MirrorMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The Micrometer binder publishes every counter, the gauges and the apply latency. */
class MirrorMetricsTest {

    @Test
    void everyOutcomeIsPublished() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ScriptedTarget target = new ScriptedTarget().holdApplies();
        AtomicBoolean gate = new AtomicBoolean(true);
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .name("orders")
                .queue(1)
                .workers(1)
                .batchSize(1)
                .maxBlock(Duration.ZERO)
                .gate(gate::get)
                .build()) {
            MirrorMetrics.of(mirror, Tags.of("service", "checkout")).bindTo(registry);
            mirror.observe(TestEvent.upsert("a", 2, "x"));
            assertThat(target.entered.await(10, TimeUnit.SECONDS)).isTrue();
            mirror.observe(TestEvent.upsert("a", 2, "x")); // queued
            mirror.observe(TestEvent.upsert("b", 1, "x")); // queue full, no wait: dropped
            assertThat(registry.get("cutover.mirror.queue.depth").gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get("cutover.mirror.pending").gauge().value()).isEqualTo(2);
            gate.set(false);
            mirror.observe(TestEvent.upsert("c", 1, "x")); // skipped
            target.release();
            assertThat(mirror.awaitQuiet(Duration.ofSeconds(10))).isTrue();
            mirror.observe(TestEvent.upsert("d", 1, "x"));
        }
        assertThat(count(registry, "cutover.mirror.events", "observed")).isEqualTo(5);
        assertThat(count(registry, "cutover.mirror.events", "skipped")).isEqualTo(2);
        assertThat(count(registry, "cutover.mirror.changes", "mirrored")).isEqualTo(2);
        assertThat(count(registry, "cutover.mirror.changes", "applied")).isEqualTo(1);
        assertThat(count(registry, "cutover.mirror.changes", "duplicate")).isEqualTo(1);
        assertThat(count(registry, "cutover.mirror.changes", "dropped")).isEqualTo(1);
        assertThat(registry.get("cutover.mirror.apply.latency")
                        .tag("mirror", "orders")
                        .tag("service", "checkout")
                        .timer()
                        .count())
                .isEqualTo(2);
    }

    private static double count(SimpleMeterRegistry registry, String name, String outcome) {
        return registry.get(name)
                .tag("mirror", "orders")
                .tag("outcome", outcome)
                .functionCounter()
                .count();
    }
}
