package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.metrics.FlagClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void evaluationsRefreshesAndSnapshotArePublished() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("x", true));
        try (FlagClient client = FlagClient.builder(store).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            FlagClientMetrics.of(client).bindTo(registry);
            for (int i = 0; i < 5; i++) {
                client.booleanValue("x", false);
            }
            client.booleanValue("missing", false);
            client.refreshNow();
            assertThat(registry.get("cutover.flags.evaluations")
                            .tags("flag", "x", "variant", "true", "reason", "STATIC")
                            .functionCounter()
                            .count())
                    .isEqualTo(5.0);
            assertThat(registry.get("cutover.flags.evaluations")
                            .tags("flag", "missing", "reason", "FLAG_NOT_FOUND")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("cutover.flags.snapshot.revision").gauge().value())
                    .isEqualTo(1.0);
            assertThat(registry.get("cutover.flags.store.available").gauge().value())
                    .isEqualTo(1.0);
            assertThat(registry.get("cutover.flags.refresh").functionTimer().count())
                    .isGreaterThanOrEqualTo(2.0);
            assertThat(registry.get("cutover.flags.snapshot.flags").gauge().value())
                    .isEqualTo(1.0);
        }
    }
}
