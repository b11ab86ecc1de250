package dev.cutover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both sides of {@link OpenFeatureProviderBenchmark} do the same work: the same answers, served by
 * a variant (not an error default), for the benchmark subject and for subjects that take the other
 * branches of the flags.
 */
class OpenFeatureProviderBenchmarkTest {
    private final OpenFeatureProviderBenchmark benchmark = new OpenFeatureProviderBenchmark();
    private final OpenFeatureProviderBenchmark.Flags flags = new OpenFeatureProviderBenchmark.Flags();

    @BeforeEach
    void setUp() {
        flags.setUp();
    }

    @AfterEach
    void tearDown() {
        flags.tearDown();
    }

    @Test
    void bothSidesAgreeOnTheBenchmarkSubject() {
        assertThat(benchmark.flagClient_plainBoolean(flags)).isTrue();
        assertThat(benchmark.provider_plainBoolean(flags)).isTrue();
        assertThat(benchmark.flagClient_rulesRollout(flags)).isFalse();
        assertThat(benchmark.provider_rulesRollout(flags)).isFalse();
        assertThat(benchmark.inMemory_plainBoolean(flags)).isTrue();
        assertThat(benchmark.inMemory_rulesRollout(flags)).isFalse();
        assertThat(flags.inMemoryClient
                        .getBooleanDetails(BenchmarkFlags.PLAIN_BOOLEAN, false, flags.openFeatureContext)
                        .getVariant())
                .as("the baseline serves a variant, not its default")
                .isEqualTo("on");
        String direct = benchmark.flagClient_stringRules(flags);
        assertThat(direct).isIn("blue", "green");
        assertThat(benchmark.provider_stringRules(flags)).isEqualTo(direct);

        FlagEvaluationDetails<Boolean> rules =
                flags.client.getBooleanDetails(BenchmarkFlags.RULES_ROLLOUT, true, flags.openFeatureContext);
        assertThat(rules.getErrorCode()).isNull();
        assertThat(rules.getValue())
                .as("served by the rollout, not the default")
                .isFalse();
        assertThat(rules.getReason()).isEqualTo("SPLIT");
    }

    @Test
    void bothSidesAgreeOnOtherSubjects() {
        for (Subject s : new Subject[] {
            BenchmarkFlags.BENCHMARK_SUBJECT.withCountry("DE"),
            BenchmarkFlags.BENCHMARK_SUBJECT.withPlan("partner"),
            BenchmarkFlags.BENCHMARK_SUBJECT.withEmail("ops@cutover.dev"),
            BenchmarkFlags.BENCHMARK_SUBJECT.withKey("customer-1"),
            BenchmarkFlags.BENCHMARK_SUBJECT.withKey("customer-2"),
            BenchmarkFlags.BENCHMARK_SUBJECT.withKey("customer-3")
        }) {
            EvaluationContext direct = EvaluationContext.builder(s.key())
                    .set("country", s.country())
                    .set("plan", s.plan())
                    .set("email", s.email())
                    .build();
            ImmutableContext of = new ImmutableContext(
                    s.key(),
                    Map.of(
                            "country",
                            new Value(s.country()),
                            "plan",
                            new Value(s.plan()),
                            "email",
                            new Value(s.email())));
            assertThat(flags.client.getBooleanValue(BenchmarkFlags.RULES_ROLLOUT, false, of))
                    .as("%s", s)
                    .isEqualTo(flags.flagClient.booleanValue(BenchmarkFlags.RULES_ROLLOUT, direct, false));
            assertThat(flags.client.getStringValue(OpenFeatureProviderBenchmark.STRING_FLAG, "none", of))
                    .as("%s", s)
                    .isEqualTo(flags.flagClient.stringValue(OpenFeatureProviderBenchmark.STRING_FLAG, direct, "none"))
                    .isNotEqualTo("none");
        }
    }
}
