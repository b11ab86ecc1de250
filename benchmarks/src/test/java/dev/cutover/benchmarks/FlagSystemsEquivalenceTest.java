package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.BenchmarkFlags.BENCHMARK_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that every benchmarked system is set up with the same flags: the same answers for the
 * benchmark subject and for subjects that match each rule, a rollout that really splits about 10% /
 * 90% by key, and stable answers. So the benchmarks measure equivalent work, not a shortcut.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlagSystemsEquivalenceTest {

    private static final int ROLLOUT_SAMPLE = 2_000;

    private final List<FlagSystem<?>> systems = new ArrayList<>();

    @BeforeAll
    void startSystems() throws Exception {
        systems.add(new CutoverFlags());
        systems.add(new LaunchDarklyFlags());
        systems.add(new UnleashFlags());
        systems.add(new TogglzFlags());
        systems.add(new Ff4jFlags());
        systems.add(new OpenFeatureFlags());
    }

    @AfterAll
    void closeSystems() {
        systems.forEach(FlagSystem::close);
    }

    Stream<Arguments> systems() {
        return systems.stream().map(s -> Arguments.of(s.name(), s));
    }

    /** Subjects that match one rule (and the benchmark subject's key otherwise). */
    static Stream<Arguments> ruleMatches() {
        return Stream.of(
                Arguments.of("rule 1, DE", BENCHMARK_SUBJECT.withCountry("DE")),
                Arguments.of("rule 1, FR", BENCHMARK_SUBJECT.withCountry("FR")),
                Arguments.of("rule 2, enterprise", BENCHMARK_SUBJECT.withPlan("enterprise")),
                Arguments.of("rule 2, partner", BENCHMARK_SUBJECT.withPlan("partner")),
                Arguments.of("rule 3", BENCHMARK_SUBJECT.withEmail("ops@cutover.dev")),
                Arguments.of(
                        "rules 1 and 3", BENCHMARK_SUBJECT.withCountry("FR").withEmail("a@cutover.dev")));
    }

    /** Subjects that almost match a rule, so that the rollout decides (false for this key). */
    static Stream<Arguments> nearMisses() {
        return Stream.of(
                Arguments.of("country ES", BENCHMARK_SUBJECT.withCountry("ES")),
                Arguments.of("country de", BENCHMARK_SUBJECT.withCountry("de")),
                Arguments.of("plan enterprise-trial", BENCHMARK_SUBJECT.withPlan("enterprise-trial")),
                Arguments.of("e-mail suffix inside", BENCHMARK_SUBJECT.withEmail("x@cutover.dev.example")));
    }

    @Test
    void everySystemIsConfigured() {
        assertThat(systems)
                .extracting(FlagSystem::name)
                .containsExactly("cutover", "launchdarkly", "unleash", "togglz", "ff4j", "openfeature");
    }

    // The systems are shared by all tests and closed once, in closeSystems().
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("systems")
    void plainFlagIsTrueForEveryone(String name, FlagSystem<?> system) {
        assertThat(plain(system, BENCHMARK_SUBJECT)).as(name).isTrue();
        assertThat(plain(system, BENCHMARK_SUBJECT.withKey("someone-else").withCountry("DE")))
                .as(name)
                .isTrue();
    }

    // The systems are shared by all tests and closed once, in closeSystems().
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("systems")
    void benchmarkSubjectFallsThroughToTheFalsePartOfTheRollout(String name, FlagSystem<?> system) {
        for (int i = 0; i < 1_000; i++) {
            assertThat(rules(system, BENCHMARK_SUBJECT)).as(name).isFalse();
        }
    }

    // The systems are shared by all tests and closed once, in closeSystems().
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("systems")
    void eachRuleServesTrue(String name, FlagSystem<?> system) {
        ruleMatches().forEach(args -> {
            Object[] a = args.get();
            assertThat(rules(system, (Subject) a[1])).as(name + ": " + a[0]).isTrue();
        });
    }

    // The systems are shared by all tests and closed once, in closeSystems().
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("systems")
    void nearMissesAreLeftToTheRollout(String name, FlagSystem<?> system) {
        nearMisses().forEach(args -> {
            Object[] a = args.get();
            assertThat(rules(system, (Subject) a[1])).as(name + ": " + a[0]).isFalse();
        });
    }

    // The systems are shared by all tests and closed once, in closeSystems().
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("systems")
    void rolloutServesTrueToAboutTenPercentOfKeysAndIsSticky(String name, FlagSystem<?> system) {
        int on = 0;
        for (int i = 0; i < ROLLOUT_SAMPLE; i++) {
            Subject subject = BENCHMARK_SUBJECT.withKey("customer-" + i);
            boolean first = rules(system, subject);
            assertThat(rules(system, subject))
                    .as(name + ": sticky for " + subject.key())
                    .isEqualTo(first);
            if (first) {
                on++;
            }
        }
        assertThat(on)
                .as(name + ": keys in the true part of the rollout out of " + ROLLOUT_SAMPLE)
                .isBetween(ROLLOUT_SAMPLE * 6 / 100, ROLLOUT_SAMPLE * 14 / 100);
    }

    private static <C> boolean plain(FlagSystem<C> system, Subject subject) {
        return system.plainBoolean(system.context(subject));
    }

    private static <C> boolean rules(FlagSystem<C> system, Subject subject) {
        return system.rulesRollout(system.context(subject));
    }
}
