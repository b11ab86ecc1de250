package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A mirror gated by a flag, the flag served by the testkit's {@link TestFlags}. */
class MirrorGateTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void theGateFlagTurnsMirroringOnAndOffAtRuntime() {
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        try (TestFlags flags = new TestFlags();
                Mirror<Change> mirror = Mirror.to(target)
                        .mapping((Change c) -> List.of(c))
                        .gate(flags.client(), "orders.mirror")
                        .build()) {
            mirror.observe(upsert("before-flag-exists", 1));
            flags.set("orders.mirror", false);
            mirror.observe(upsert("while-off", 2));
            assertThat(mirror.enabled()).isFalse();
            flags.set("orders.mirror", true);
            mirror.observe(upsert("while-on", 3));
            assertThat(mirror.enabled()).isTrue();
            flags.set("orders.mirror", false);
            mirror.observe(upsert("off-again", 4));
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            assertThat(target.all()).extracting(Change::key).containsExactly("while-on");
            MirrorCounts counts = mirror.counts();
            assertThat(counts.observed()).isEqualTo(4);
            assertThat(counts.skipped()).isEqualTo(3);
            assertThat(counts.mirrored()).isEqualTo(1);
        }
    }

    private static Change upsert(String key, long version) {
        return Change.upsert(key, version, JsonNodeFactory.instance.objectNode().put("name", "x"));
    }
}
