package dev.cutover.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.testkit.TestFlags;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

@CutoverFlags
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@PinFlag(key = "orders.migration", value = "SHADOW")
class PerClassLifecycleTest {
    private static final EvaluationContext CTX = EvaluationContext.of("c");
    private final TestFlags shared;

    PerClassLifecycleTest(TestFlags shared) {
        this.shared = shared;
    }

    @Test
    @Order(1)
    @PinFlag(key = "orders.first-only", value = "true")
    void firstTestWritesFlags(TestFlags flags) {
        assertThat(flags).isSameAs(shared);
        flags.set("orders.written", true);
        assertThat(flags.client().booleanValue("orders.first-only", CTX, false)).isTrue();
    }

    @Test
    @Order(2)
    void theSharedInstanceIsClearedAndRepinnedBeforeEachTest(TestFlags flags) {
        assertThat(flags).isSameAs(shared);
        assertThat(flags.isClosed()).isFalse();
        assertThat(flags.client().booleanValue("orders.written", CTX, false)).isFalse();
        assertThat(flags.client().booleanValue("orders.first-only", CTX, false)).isFalse();
        assertThat(flags.client().stringValue("orders.migration", CTX, "OLD")).isEqualTo("SHADOW");
    }
}
