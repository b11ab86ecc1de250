package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorBuilder;
import dev.cutover.replication.spi.ChangeQueue;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every setting is checked when set, and the message names the bad value. */
class MirrorBuilderTest {
    private final MirrorBuilder<TestEvent> builder =
            Mirror.to(new InMemoryVersionedTarget()).mapping(TestEvent::toChanges);

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> builder.name("has space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'has space'");
        assertThatThrownBy(() -> builder.name("")).hasMessageContaining("but was ''");
        assertThatThrownBy(() -> builder.queue(0))
                .hasMessageContaining("queue capacity")
                .hasMessageContaining("but was 0");
        assertThatThrownBy(() -> ChangeQueue.inProcess(-1)).hasMessageContaining("but was -1");
        assertThatThrownBy(() -> builder.workers(0))
                .hasMessageContaining("workers")
                .hasMessageContaining("but was 0");
        assertThatThrownBy(() -> builder.workers(65)).hasMessageContaining("but was 65");
        assertThatThrownBy(() -> builder.batchSize(10_001))
                .hasMessageContaining("batchSize")
                .hasMessageContaining("10001");
        assertThatThrownBy(() -> builder.maxBlock(Duration.ofMillis(-1)))
                .hasMessageContaining("maxBlock")
                .hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> builder.linger(Duration.ofSeconds(-2)))
                .hasMessageContaining("linger")
                .hasMessageContaining("PT-2S");
        assertThatThrownBy(() -> builder.retry(0, Duration.ofMillis(10)))
                .hasMessageContaining("attempts")
                .hasMessageContaining("but was 0");
        assertThatThrownBy(() -> builder.retry(3, Duration.ZERO))
                .hasMessageContaining("initialBackoff")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> builder.gate(null, "flag"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("flags");
    }
}
