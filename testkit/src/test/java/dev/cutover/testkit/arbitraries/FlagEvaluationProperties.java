package dev.cutover.testkit.arbitraries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.flags.ErrorCode;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.FlagsState;
import dev.cutover.flags.Reason;
import dev.cutover.flags.Rule;
import dev.cutover.testkit.TestFlags;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/** Evaluation of generated flags through a real client: never throws, deterministic, sensible. */
class FlagEvaluationProperties {
    /** Generated schedules lie in 2001..2099; a fixed "now" in between makes some past, some future. */
    private static final Instant NOW = Instant.parse("2050-01-01T00:00:00Z");

    private final TestFlags flags = new TestFlags(Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterProperty
    void close() {
        flags.close();
    }

    @Provide
    Arbitrary<Flag> flags() {
        return FlagArbitraries.flags();
    }

    @Provide
    Arbitrary<EvaluationContext> contexts() {
        return FlagArbitraries.contexts();
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 400)
    void evaluationNeverThrowsAndIsDeterministic(
            @ForAll("flags") Flag flag, @ForAll("contexts") EvaluationContext context) {
        flags.clear().set(flag);
        FlagClient client = flags.client();

        Evaluation<?> first = typedDetail(client, flag, context);
        Evaluation<?> second = typedDetail(client, flag, context);
        assertThat(second).as("same snapshot, same context").isEqualTo(first);
        assertThat(first.revision()).isEqualTo(client.status().revision());

        Flag effective = effective(flag);
        Statistics.collect(first.reason());
        Statistics.label("type").collect(flag.type());
        if (effective == null) {
            assertThat(first.reason()).isEqualTo(Reason.FLAG_NOT_FOUND);
            assertThat(first.isDefault()).isTrue();
            return;
        }
        if (first.errorCode() == ErrorCode.TARGETING_KEY_MISSING) {
            assertThat(context.key())
                    .as("only a context without a key misses it")
                    .isNull();
            assertThat(needsTheKey(effective, context))
                    .as("only a flag that needs the key: %s", effective)
                    .isTrue();
            assertThat(first.isDefault()).isTrue();
            return;
        }
        assertThat(first.errorCode()).as("evaluation of %s", first).isNull();
        boolean offWithoutVariant = !effective.on() && effective.offVariant().isEmpty();
        Statistics.label("off without off-variant").collect(offWithoutVariant);
        if (offWithoutVariant) {
            assertThat(first.reason()).isEqualTo(Reason.OFF);
            assertThat(first.variant()).isNull();
            assertThat(first.value()).isEqualTo(defaultOf(effective));
        } else {
            assertThat(first.variant()).isIn(effective.variantNames());
        }
        if (!effective.on() && !offWithoutVariant) {
            assertThat(first.reason()).isEqualTo(Reason.OFF);
            assertThat(first.variant()).isEqualTo(effective.offVariant().orElseThrow());
        }
        if (first.reason() == Reason.TARGET_MATCH) {
            assertThat(effective.targets()).anySatisfy(t -> assertThat(t.keys()).contains(context.key()));
        }
        if (first.reason() == Reason.RULE_MATCH) {
            assertThat(first.ruleIndex()).isBetween(0, effective.rules().size() - 1);
        }

        // every other way to read the flag also never throws and agrees on the variant
        for (int i = 0; i < 2; i++) {
            Evaluation<Boolean> b = client.booleanDetail(flag.key(), context, false);
            Evaluation<String> s = client.stringDetail(flag.key(), context, "default");
            Evaluation<Integer> n = client.intDetail(flag.key(), context, -1);
            Evaluation<Double> d = client.doubleDetail(flag.key(), context, -1.0);
            Evaluation<JsonNode> j =
                    client.jsonDetail(flag.key(), context, JsonNode.class, TextNode.valueOf("default"));
            for (Evaluation<?> e : List.of(b, s, n, d)) {
                assertThat(e.value()).isNotNull();
                if (e.reason() == Reason.ERROR) {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.WRONG_TYPE);
                    assertThat(e.isDefault()).isTrue();
                } else {
                    assertThat(e.variant()).isEqualTo(first.variant());
                }
            }
            assertThat(j.value()).isNotNull();
            FlagsState all = client.allFlags(context);
            assertThat(all.revision()).isEqualTo(first.revision());
            if (offWithoutVariant) {
                assertThat(all.evaluations()).doesNotContainKey(flag.key());
            } else {
                assertThat(all.evaluations().get(flag.key()).variant()).isEqualTo(first.variant());
            }
        }
        client.booleanValue(flag.key(), context, true);
        client.stringValue(flag.key(), context, "x");
        client.intValue(flag.key(), context, 0);
        client.doubleValue(flag.key(), context, 0.0);
        client.jsonValue(flag.key(), context, Object.class, "x");
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 400)
    void generatedFlagsExerciseEveryPathOfEvaluation(
            @ForAll("flags") Flag flag, @ForAll("contexts") EvaluationContext context) {
        flags.clear().set(flag);
        Evaluation<?> e = typedDetail(flags.client(), flag, context);
        Statistics.collect(e.reason());
        Statistics.coverage(coverage -> {
            for (Reason reason : List.of(
                    Reason.OFF,
                    Reason.TARGET_MATCH,
                    Reason.RULE_MATCH,
                    Reason.ROLLOUT,
                    Reason.FALLTHROUGH,
                    Reason.STATIC,
                    Reason.FLAG_NOT_FOUND)) {
                coverage.check(reason).count(c -> c > 0);
            }
        });
        Statistics.label("missing key").collect(e.errorCode() == ErrorCode.TARGETING_KEY_MISSING);
        Statistics.label("missing key")
                .coverage(coverage -> coverage.check(true).count(c -> c > 0));
        if (e.reason() == Reason.ERROR) {
            assertThat(e.errorCode()).as("%s for %s", e, context).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
            assertThat(context.key()).isNull();
        }
    }

    /**
     * Whether evaluating {@code flag} for {@code context} reads the targeting key on the path it
     * takes: targets, a rule clause on {@code key} reached before a matching rule, or a rollout
     * (fallthrough or a matching rule's) whose bucketing attribute the context lacks.
     */
    private static boolean needsTheKey(Flag flag, EvaluationContext context) {
        if (!flag.targets().isEmpty()) {
            return true;
        }
        for (Rule rule : flag.rules()) {
            boolean readsKey =
                    rule.clauses().stream().anyMatch(c -> c.attribute().equals(EvaluationContext.KEY_ATTRIBUTE));
            if (readsKey) {
                return true; // the rules are tried in order; this one reads the key unless an earlier matched
            }
        }
        return flag.fallthrough().rollout() != null
                || flag.rules().stream().anyMatch(r -> r.serve().rollout() != null);
    }

    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Property(tries = 300)
    void generatedClausesUseEveryOperatorAndNegation(@ForAll("flags") Flag flag) {
        Set<String> ops = new HashSet<>();
        boolean negated = false;
        for (var rule : flag.rules()) {
            for (var clause : rule.clauses()) {
                ops.add(clause.operator().jsonName());
                negated |= clause.negate();
            }
        }
        for (String op : ops) {
            Statistics.label("operator").collect(op);
        }
        Statistics.label("negated").collect(negated);
        Statistics.label("scheduled").collect(flag.effectiveAt().isPresent());
        Statistics.label("operator").coverage(coverage -> {
            for (var op : dev.cutover.flags.Operator.values()) {
                coverage.check(op.jsonName()).count(c -> c > 0);
            }
        });
        Statistics.label("negated").coverage(coverage -> coverage.check(true).count(c -> c > 0));
        Statistics.label("scheduled").coverage(coverage -> coverage.check(true).count(c -> c > 0));
    }

    /** The definition in force at {@link #NOW}, or null when none is. */
    private static Flag effective(Flag flag) {
        if (flag.effectiveAt().isPresent() && flag.effectiveAt().get().isAfter(NOW)) {
            return flag.previous().orElse(null);
        }
        return flag;
    }

    /** The default {@link #typedDetail} passes for the flag's type. */
    private static Object defaultOf(Flag effective) {
        return switch (effective.type()) {
            case BOOLEAN -> false;
            case STRING -> "default";
            case NUMBER -> -1.0;
            case JSON -> TextNode.valueOf("default");
        };
    }

    private static Evaluation<?> typedDetail(FlagClient client, Flag flag, EvaluationContext ctx) {
        Flag effective = effective(flag);
        var type = effective == null ? flag.type() : effective.type();
        return switch (type) {
            case BOOLEAN -> client.booleanDetail(flag.key(), ctx, false);
            case STRING -> client.stringDetail(flag.key(), ctx, "default");
            case NUMBER -> client.doubleDetail(flag.key(), ctx, -1.0);
            case JSON -> client.jsonDetail(flag.key(), ctx, JsonNode.class, TextNode.valueOf("default"));
        };
    }
}
