package dev.cutover.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.cutover.flags.FlagClient;
import dev.cutover.testkit.TestFlags;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs small test classes through the JUnit engine to check what the extension does around them. */
class ExtensionEdgeCasesTest {

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(DiscoverySelectors.selectClass(testClass))
                .execute();
    }

    @Test
    void flagsAreClosedAfterPassingAndFailingTests() {
        FailingAndPassing.SEEN.clear();
        EngineExecutionResults results = run(FailingAndPassing.class);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertThat(FailingAndPassing.SEEN).hasSize(2).allMatch(TestFlags::isClosed);
        assertThat(FailingAndPassing.SEEN.get(0)).isNotSameAs(FailingAndPassing.SEEN.get(1));
    }

    @Test
    void injectionIntoBeforeAllFailsWithAClearMessage() {
        run(BeforeAllInjection.class)
                .containerEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(finishedWithFailure(
                                instanceOf(ParameterResolutionException.class),
                                message(m -> m.contains("created per test")))));
    }

    @Test
    void aBadPinFailsTheTestNamingTheKey() {
        run(BadPin.class)
                .testEvents()
                .assertThatEvents()
                .haveExactly(1, event(test("pinned"), finishedWithFailure(message(m -> m.contains("'bad key'")))));
    }

    @Test
    void aMethodLevelExtensionWorksWithoutAClassLevelOne() {
        run(MethodLevelOnly.class)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
    }

    // ---------------------------------------------------------------------------------------------
    // classes run through the engine (nested, so the build does not run them directly)

    @CutoverFlags
    static class FailingAndPassing {
        static final List<TestFlags> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void passes(TestFlags flags) {
            SEEN.add(flags);
        }

        @Test
        void fails(TestFlags flags) {
            SEEN.add(flags);
            throw new AssertionError("expected failure");
        }
    }

    @CutoverFlags
    static class BeforeAllInjection {
        @BeforeAll
        static void setUp(TestFlags flags) {
            flags.set("never", true);
        }

        @Test
        void test() {}
    }

    @CutoverFlags
    static class BadPin {
        @Test
        @PinFlag(key = "bad key", value = "true")
        void pinned() {}
    }

    static class MethodLevelOnly {
        @Test
        @CutoverFlags
        @PinFlag(key = "k", value = "on")
        void test(FlagClient client) {
            if (!client.stringValue("k", dev.cutover.flags.EvaluationContext.empty(), "off")
                    .equals("on")) {
                throw new AssertionError("pin not applied");
            }
        }
    }
}
