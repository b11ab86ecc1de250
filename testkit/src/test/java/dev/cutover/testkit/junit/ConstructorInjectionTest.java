package dev.cutover.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.FlagClient;
import dev.cutover.testkit.TestFlags;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(CutoverFlagsExtension.class)
@PinFlag(key = "orders.migration", value = "SHADOW")
class ConstructorInjectionTest {
    private static final List<TestFlags> SEEN = new ArrayList<>();

    private final TestFlags flags;
    private final FlagClient client;

    ConstructorInjectionTest(TestFlags flags, FlagClient client) {
        this.flags = flags;
        this.client = client;
    }

    @RepeatedTest(3)
    void theConstructorGetsThisTestsFlags(TestFlags parameter, FlagClient clientParameter) {
        assertThat(parameter).isSameAs(flags);
        assertThat(clientParameter).isSameAs(client);
        assertThat(client).isSameAs(flags.client());
        assertThat(client.stringValue("orders.migration", EvaluationContext.of("c"), "OLD"))
                .isEqualTo("SHADOW");
        synchronized (SEEN) {
            assertThat(SEEN).doesNotContain(flags).allMatch(TestFlags::isClosed);
            SEEN.add(flags);
        }
    }

    @Nested
    class Inner {
        private final TestFlags innerFlags;

        Inner(TestFlags innerFlags) {
            this.innerFlags = innerFlags;
        }

        @Test
        void enclosingAndNestedInstancesShareTheTestsFlags(TestFlags parameter) {
            assertThat(innerFlags).isSameAs(parameter).isSameAs(flags);
            assertThat(flags.isClosed()).isFalse();
        }
    }
}
