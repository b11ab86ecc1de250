package dev.cutover.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Reason;
import dev.cutover.flags.VariantType;
import dev.cutover.testkit.TestFlags;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@CutoverFlags
@PinFlag(key = "orders.migration", value = "SHADOW")
@PinFlag(key = "orders.new-checkout", value = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CutoverFlagsExtensionTest {
    private static final EvaluationContext CTX = EvaluationContext.of("customer-1");
    private static TestFlags fromFirstTest;

    private TestFlags fromBeforeEach;

    @BeforeEach
    void setUp(TestFlags flags) {
        fromBeforeEach = flags;
        flags.set("orders.set-in-before-each", "yes");
    }

    @Test
    @Order(1)
    void classPinsAreServed(FlagClient client) {
        assertThat(client.stringValue("orders.migration", CTX, "OLD")).isEqualTo("SHADOW");
        assertThat(client.booleanValue("orders.new-checkout", CTX, false)).isTrue();
        assertThat(client.stringValue("orders.set-in-before-each", CTX, "no")).isEqualTo("yes");
    }

    @Test
    @Order(2)
    @PinFlag(key = "orders.migration", value = "CUTOVER")
    @PinFlag(key = "orders.extra", value = "x")
    void methodPinsOverrideClassPins(FlagClient client) {
        assertThat(client.stringValue("orders.migration", CTX, "OLD")).isEqualTo("CUTOVER");
        assertThat(client.stringValue("orders.extra", CTX, "none")).isEqualTo("x");
        assertThat(client.booleanValue("orders.new-checkout", CTX, false)).isTrue();
    }

    @Test
    @Order(3)
    void injectedFlagsAndClientBelongTogether(TestFlags flags, FlagClient client) {
        assertThat(flags).isSameAs(fromBeforeEach);
        assertThat(client).isSameAs(flags.client());
        flags.set("orders.written-by-test-3", true);
        assertThat(client.booleanValue("orders.written-by-test-3", CTX, false)).isTrue();
        fromFirstTest = flags;
    }

    @Test
    @Order(4)
    void eachTestGetsFreshFlagsAndThePreviousOnesAreClosed(TestFlags flags, FlagClient client) {
        assertThat(flags).isNotSameAs(fromFirstTest);
        assertThat(fromFirstTest.isClosed()).isTrue();
        assertThat(client.booleanDetail("orders.written-by-test-3", CTX, false).reason())
                .isEqualTo(Reason.FLAG_NOT_FOUND);
        assertThat(flags.store().load().flags()).hasSize(3);
    }

    @Test
    @Order(5)
    @PinFlag(key = "n.int", value = "42")
    @PinFlag(key = "n.negative", value = "-7")
    @PinFlag(key = "n.long", value = "5000000000")
    @PinFlag(key = "n.double", value = "0.25")
    @PinFlag(key = "n.exp", value = "1e3")
    @PinFlag(key = "b.false", value = "false")
    @PinFlag(key = "s.upper-true", value = "TRUE")
    @PinFlag(key = "s.version", value = "1.2.3")
    @PinFlag(key = "s.hex", value = "0x10")
    @PinFlag(key = "s.empty", value = "")
    void pinValuesAreTypedByTheirText(TestFlags flags, FlagClient client) {
        assertThat(client.intValue("n.int", CTX, 0)).isEqualTo(42);
        assertThat(client.intValue("n.negative", CTX, 0)).isEqualTo(-7);
        assertThat(client.doubleValue("n.long", CTX, 0)).isEqualTo(5_000_000_000.0);
        assertThat(client.doubleValue("n.double", CTX, 0)).isEqualTo(0.25);
        assertThat(client.doubleValue("n.exp", CTX, 0)).isEqualTo(1000.0);
        assertThat(client.booleanDetail("b.false", CTX, true).reason()).isNotEqualTo(Reason.ERROR);
        assertThat(client.booleanValue("b.false", CTX, true)).isFalse();
        assertThat(client.stringValue("s.upper-true", CTX, "")).isEqualTo("TRUE");
        assertThat(client.stringValue("s.version", CTX, "")).isEqualTo("1.2.3");
        assertThat(client.stringValue("s.hex", CTX, "")).isEqualTo("0x10");
        assertThat(client.stringValue("s.empty", CTX, "default")).isEmpty();
        assertThat(flags.get("n.int").orElseThrow().type()).isEqualTo(VariantType.NUMBER);
        assertThat(flags.get("b.false").orElseThrow().type()).isEqualTo(VariantType.BOOLEAN);
        assertThat(flags.get("s.version").orElseThrow().type()).isEqualTo(VariantType.STRING);
    }

    @Nested
    @PinFlag(key = "orders.migration", value = "DUAL_WRITE")
    class NestedTests {
        @Test
        void nestedClassPinsOverrideOuterPinsAndKeepTheRest(FlagClient client) {
            assertThat(client.stringValue("orders.migration", CTX, "OLD")).isEqualTo("DUAL_WRITE");
            assertThat(client.booleanValue("orders.new-checkout", CTX, false)).isTrue();
        }

        @Test
        @PinFlag(key = "orders.migration", value = "CUTOVER")
        void methodPinsWinInNestedClassesToo(TestFlags flags) {
            assertThat(flags.client().stringValue("orders.migration", CTX, "OLD"))
                    .isEqualTo("CUTOVER");
            assertThat(flags).isSameAs(fromBeforeEach);
        }
    }
}
