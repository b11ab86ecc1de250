package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    private final ScriptedStore store = new ScriptedStore();
    private FlagClient client;

    private FlagClient client(Flag... flags) {
        store.publish(flags);
        client = FlagClient.builder(store).startupTimeout(Duration.ofSeconds(5)).build();
        return client;
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private static final Flag CHECKOUT = Flag.builder("orders.checkout")
            .booleanVariants()
            .target(Target.of("true", "vip-1"))
            .rule(Rule.when(Serve.variant("true"), Clause.of("country", Operator.IN, "DE", "FR")))
            .rule(Rule.when(Serve.variant("false"), Clause.of("email", Operator.ENDS_WITH, "@test.example")))
            .rule(Rule.when(
                    Serve.variant("true"),
                    Clause.of("appVersion", Operator.SEMVER_GREATER_THAN, "2.0.0"),
                    Clause.of("age", Operator.GREATER_THAN_OR_EQUAL, 18)))
            .fallthrough(Serve.rollout(Rollout.of(new Allocation("true", 0), new Allocation("false", 100))))
            .build();

    @Test
    void targetsComeBeforeRulesAndRulesInOrder() {
        FlagClient flags = client(CHECKOUT);
        Evaluation<Boolean> vip = flags.booleanDetail(
                "orders.checkout",
                EvaluationContext.builder("vip-1").set("country", "US").build(),
                false);
        assertThat(vip.value()).isTrue();
        assertThat(vip.reason()).isEqualTo(Reason.TARGET_MATCH);

        Evaluation<Boolean> de = flags.booleanDetail(
                "orders.checkout",
                EvaluationContext.builder("c1").set("country", "DE").build(),
                false);
        assertThat(de)
                .extracting(Evaluation::value, Evaluation::reason, Evaluation::ruleIndex)
                .containsExactly(true, Reason.RULE_MATCH, 0);

        Evaluation<Boolean> tester = flags.booleanDetail(
                "orders.checkout",
                EvaluationContext.builder("c2")
                        .set("country", "US")
                        .set("email", "a@test.example")
                        .build(),
                true);
        assertThat(tester)
                .extracting(Evaluation::value, Evaluation::reason, Evaluation::ruleIndex)
                .containsExactly(false, Reason.RULE_MATCH, 1);

        EvaluationContext adultNewApp = EvaluationContext.builder("c3")
                .set("appVersion", "2.1.0")
                .set("age", 30)
                .build();
        assertThat(flags.booleanDetail("orders.checkout", adultNewApp, false).ruleIndex())
                .isEqualTo(2);
        EvaluationContext minor = EvaluationContext.builder("c4")
                .set("appVersion", "2.1.0")
                .set("age", 17)
                .build();
        Evaluation<Boolean> fall = flags.booleanDetail("orders.checkout", minor, true);
        assertThat(fall).extracting(Evaluation::value, Evaluation::reason).containsExactly(false, Reason.ROLLOUT);
        assertThat(fall.flagVersion()).as("the store's version").isEqualTo(1);
        assertThat(fall.revision()).isEqualTo(1);
    }

    @Test
    void offServesOffVariantStaticFlagSaysStaticAndFixedFallthroughAfterRulesSaysFallthrough() {
        Flag withRule = Flag.builder("c")
                .booleanVariants()
                .rule(Rule.when(Serve.variant("true"), Clause.of("country", Operator.IN, "DE")))
                .fallthrough(Serve.variant("false"))
                .build();
        FlagClient flags = client(
                Flag.booleanFlag("a", true).toBuilder().on(false).build(), Flag.booleanFlag("b", true), withRule);
        assertThat(flags.booleanDetail("a", EvaluationContext.empty(), true))
                .extracting(Evaluation::value, Evaluation::reason, Evaluation::variant)
                .containsExactly(false, Reason.OFF, "false");
        assertThat(flags.booleanDetail("b", EvaluationContext.empty(), false))
                .extracting(Evaluation::value, Evaluation::reason, Evaluation::type)
                .containsExactly(true, Reason.STATIC, VariantType.BOOLEAN);
        EvaluationContext fr = EvaluationContext.builder().set("country", "FR").build();
        assertThat(flags.booleanDetail("c", fr, true))
                .extracting(Evaluation::value, Evaluation::reason)
                .containsExactly(false, Reason.FALLTHROUGH);
        EvaluationContext de = EvaluationContext.builder().set("country", "DE").build();
        assertThat(flags.booleanDetail("c", de, false))
                .as("an anonymous context is evaluated by a flag that needs no key")
                .extracting(Evaluation::value, Evaluation::reason, Evaluation::errorCode)
                .containsExactly(true, Reason.RULE_MATCH, null);
    }

    @Test
    void aContextWithoutAKeyIsRefusedOnlyWhereTheKeyIsNeeded() {
        Flag targeted = Flag.builder("t")
                .booleanVariants()
                .target(new Target("true", java.util.Set.of("k1")))
                .build();
        Flag onKey = Flag.builder("r")
                .booleanVariants()
                .rule(Rule.when(Serve.variant("true"), Clause.of("key", Operator.IN, "k1")))
                .build();
        Flag rollout = Flag.builder("p")
                .booleanVariants()
                .fallthrough(Serve.rollout(Rollout.of(new Allocation("true", 50), new Allocation("false", 50))))
                .build();
        Flag byAttribute = Flag.builder("q")
                .booleanVariants()
                .fallthrough(Serve.rollout(Rollout.by("org", new Allocation("true", 50), new Allocation("false", 50))))
                .build();
        FlagClient flags = client(targeted, onKey, rollout, byAttribute, Flag.booleanFlag("s", true));
        EvaluationContext anonymous =
                EvaluationContext.builder().set("org", "acme").build();
        for (String key : java.util.List.of("t", "r", "p")) {
            assertThat(flags.booleanDetail(key, anonymous, true))
                    .as(key)
                    .extracting(Evaluation::value, Evaluation::reason, Evaluation::errorCode, Evaluation::variant)
                    .containsExactly(true, Reason.ERROR, ErrorCode.TARGETING_KEY_MISSING, null);
            assertThat(flags.booleanValue(key, anonymous, true)).as(key).isTrue();
            assertThat(flags.booleanValue(key, EvaluationContext.empty(), false))
                    .as(key)
                    .isFalse();
        }
        assertThat(flags.booleanDetail("q", anonymous, false).reason())
                .as("bucketed by an attribute the context has")
                .isEqualTo(Reason.ROLLOUT);
        assertThat(flags.booleanDetail("q", EvaluationContext.empty(), false).errorCode())
                .as("neither the attribute nor the key")
                .isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
        assertThat(flags.booleanDetail("s", EvaluationContext.empty(), false).reason())
                .isEqualTo(Reason.STATIC);
        assertThat(flags.allFlags(anonymous).evaluations()).containsOnlyKeys("q", "s");
    }

    @Test
    void everyOperatorAndNegation() {
        record Case(Operator op, Object value, Object attribute, boolean expected) {}
        List<Case> cases = List.of(
                new Case(Operator.EQUALS, "x", "x", true),
                new Case(Operator.EQUALS, "x", "y", false),
                new Case(Operator.EQUALS, 5, 5.0, true),
                new Case(Operator.EQUALS, true, true, true),
                new Case(Operator.IN, "b", "b", true),
                new Case(Operator.STARTS_WITH, "ab", "abc", true),
                new Case(Operator.STARTS_WITH, "bc", "abc", false),
                new Case(Operator.ENDS_WITH, "bc", "abc", true),
                new Case(Operator.CONTAINS, "b", "abc", true),
                new Case(Operator.LESS_THAN, 10, 9, true),
                new Case(Operator.LESS_THAN, 10, 10, false),
                new Case(Operator.LESS_THAN_OR_EQUAL, 10, 10, true),
                new Case(Operator.GREATER_THAN, 10, 11.5, true),
                new Case(Operator.GREATER_THAN_OR_EQUAL, 10, 9, false),
                new Case(Operator.LESS_THAN, 10, "9", false),
                new Case(Operator.SEMVER_EQUAL, "1.2.0", "1.2", true),
                new Case(Operator.SEMVER_LESS_THAN, "2.0.0", "2.0.0-rc.1", true),
                new Case(Operator.SEMVER_LESS_THAN, "2.0.0-rc.2", "2.0.0-rc.10", false),
                new Case(Operator.SEMVER_GREATER_THAN, "1.9.9", "1.10.0", true),
                new Case(Operator.SEMVER_GREATER_THAN, "1.0.0", "not-a-version", false));
        for (Case c : cases) {
            for (boolean negate : new boolean[] {false, true}) {
                Clause clause = new Clause("attr", c.op(), List.of(c.value()), negate);
                Flag flag = Flag.builder("op-test")
                        .booleanVariants()
                        .rule(Rule.when(Serve.variant("true"), clause))
                        .build();
                ScriptedStore single = new ScriptedStore();
                single.publish(flag);
                try (FlagClient flags = FlagClient.builder(single).build()) {
                    EvaluationContext.Builder ctx = EvaluationContext.builder("k");
                    if (c.attribute() instanceof String s) {
                        ctx.set("attr", s);
                    } else if (c.attribute() instanceof Boolean b) {
                        ctx.set("attr", b);
                    } else {
                        ctx.set("attr", (Number) c.attribute());
                    }
                    assertThat(flags.booleanValue("op-test", ctx.build(), false))
                            .as("%s %s %s negate=%s", c.attribute(), c.op(), c.value(), negate)
                            .isEqualTo(c.expected() != negate);
                }
            }
        }
    }

    @Test
    void missingAttributeNeverMatchesUnlessNegated() {
        Flag flag = Flag.builder("f")
                .booleanVariants()
                .rule(Rule.when(Serve.variant("true"), Clause.of("plan", Operator.EQUALS, "pro")))
                .build();
        Flag negated = Flag.builder("g")
                .booleanVariants()
                .rule(Rule.when(
                        Serve.variant("true"),
                        Clause.of("plan", Operator.EQUALS, "pro").negated()))
                .build();
        FlagClient flags = client(flag, negated);
        assertThat(flags.booleanValue("f", EvaluationContext.of("k"), false)).isFalse();
        assertThat(flags.booleanValue("g", EvaluationContext.of("k"), false)).isTrue();
    }

    @Test
    void typedValuesAndWrongType() {
        record Limits(int maxBatch, String mode) {}
        FlagClient flags = client(
                Flag.stringFlag("stage", "SHADOW"),
                Flag.builder("batch")
                        .variant("small", 10)
                        .variant("big", 2.5e3)
                        .fallthrough(Serve.variant("big"))
                        .build(),
                Flag.builder("limits")
                        .type(VariantType.JSON)
                        .variant(
                                "v1",
                                JsonNodeFactory.instance
                                        .objectNode()
                                        .put("maxBatch", 7)
                                        .put("mode", "fast"))
                        .build());
        EvaluationContext ctx = EvaluationContext.of("k");
        assertThat(flags.stringValue("stage", ctx, "OLD_ONLY")).isEqualTo("SHADOW");
        assertThat(flags.intValue("batch", ctx, 1)).isEqualTo(2500);
        assertThat(flags.doubleValue("batch", ctx, 1)).isEqualTo(2500.0);
        assertThat(flags.jsonValue("limits", ctx, Limits.class, new Limits(0, "x")))
                .isEqualTo(new Limits(7, "fast"));
        assertThat(flags.jsonValue("stage", ctx, String.class, "x")).isEqualTo("SHADOW");

        Evaluation<Boolean> wrong = flags.booleanDetail("stage", ctx, true);
        assertThat(wrong)
                .extracting(Evaluation::value, Evaluation::reason, Evaluation::errorCode)
                .containsExactly(true, Reason.ERROR, ErrorCode.WRONG_TYPE);
        assertThat(flags.booleanValue("stage", ctx, true)).isTrue();
        assertThat(flags.jsonDetail("limits", ctx, Integer.class, 3).errorCode())
                .isEqualTo(ErrorCode.WRONG_TYPE);
        assertThat(flags.intDetail("stage", ctx, 4).value()).isEqualTo(4);
    }

    @Test
    @SuppressWarnings("DataFlowIssue")
    void nullsAndUnknownKeysServeDefaults() {
        FlagClient flags = client(Flag.booleanFlag("x", true));
        assertThat(flags.booleanDetail("nope", EvaluationContext.empty(), true))
                .extracting(Evaluation::value, Evaluation::reason, Evaluation::errorCode)
                .containsExactly(true, Reason.FLAG_NOT_FOUND, null);
        assertThat(flags.booleanDetail(null, EvaluationContext.empty(), true).errorCode())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(flags.booleanValue("x", null, false)).isTrue();
        assertThat(flags.jsonDetail("x", EvaluationContext.empty(), null, "d").errorCode())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(flags.stringValue(null, null, "d")).isEqualTo("d");
    }

    @Test
    void allFlagsComeFromOneRevision() {
        FlagClient flags = client(Flag.booleanFlag("a", true), Flag.stringFlag("b", "v"));
        FlagsState state = flags.allFlags(EvaluationContext.of("k"));
        assertThat(state.revision()).isEqualTo(1);
        assertThat(state.evaluations()).containsOnlyKeys("a", "b");
        assertThat(state.evaluations().get("b").value().asText()).isEqualTo("v");
        assertThat(Map.copyOf(state.evaluations()).get("a").reason()).isEqualTo(Reason.STATIC);
    }
}
