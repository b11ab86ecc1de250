package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlagModelTest {

    @Test
    void roundTripsThroughJson() {
        Flag previous = Flag.booleanFlag("orders.migration-flip", false);
        Flag flag = Flag.builder("orders.migration-flip")
                .booleanVariants()
                .target(Target.of("true", "a", "b"))
                .rule(new Rule(
                        java.util.List.of(
                                Clause.of("country", Operator.IN, "DE", "FR"),
                                Clause.of("tier", Operator.GREATER_THAN, 2).negated()),
                        Serve.rollout(
                                Rollout.by("customerId", new Allocation("true", 12.5), new Allocation("false", 87.5))),
                        "EU first"))
                .fallthrough(Serve.variant("false"))
                .effectiveAt(Instant.parse("2026-12-01T10:00:00Z"), previous)
                .version(4)
                .updatedBy("alice")
                .updatedAt(Instant.parse("2026-11-20T10:00:00Z"))
                .description("flip")
                .build();
        Flag back = Flag.fromJson(flag.toJson());
        assertThat(back).isEqualTo(flag);
        assertThat(back.toJson()).isEqualTo(flag.toJson());
        assertThat(back.previous()).contains(previous);
    }

    @Test
    void keysAreValidatedAndNamed() {
        assertThatThrownBy(() -> Flag.booleanFlag("bad key!", true))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("'bad key!'");
        assertThatThrownBy(() -> Flag.booleanFlag("k".repeat(129), true)).hasMessageContaining("1 to 128");
        assertThat(Flag.isValidKey("a.B-c_9")).isTrue();
        assertThat(Flag.isValidKey("")).isFalse();
    }

    @Test
    void badDocumentsNameTheKeyAndTheProblem() {
        assertThatThrownBy(() -> Flag.fromJson("{\"key\":\"f1\",\"type\":\"boolean\""))
                .isInstanceOf(InvalidFlagException.class)
                .hasMessageContaining("malformed JSON");
        String unknownOp = "{\"key\":\"f2\",\"type\":\"boolean\",\"variants\":{\"true\":true,\"false\":false},"
                + "\"rules\":[{\"clauses\":[{\"attribute\":\"a\",\"op\":\"matchesRegex\",\"values\":[\"x\"]}],"
                + "\"serve\":{\"variant\":\"true\"}}]}";
        assertThatThrownBy(() -> Flag.fromJson(unknownOp))
                .hasMessageContaining("'f2'")
                .hasMessageContaining("unknown operator 'matchesRegex'");
        String mismatch = "{\"key\":\"f3\",\"type\":\"boolean\",\"variants\":{\"on\":\"yes\"}}";
        assertThatThrownBy(() -> Flag.fromJson(mismatch))
                .hasMessageContaining("'f3'")
                .hasMessageContaining("variant 'on'");
        String rollout = "{\"key\":\"f4\",\"type\":\"boolean\",\"variants\":{\"true\":true,\"false\":false},"
                + "\"fallthrough\":{\"rollout\":{\"allocations\":[{\"variant\":\"true\",\"percent\":10},"
                + "{\"variant\":\"false\",\"percent\":80}]}}}";
        assertThatThrownBy(() -> Flag.fromJson(rollout))
                .hasMessageContaining("'f4'")
                .hasMessageContaining("add up to 90.0%");
        String unknownVariant = "{\"key\":\"f5\",\"type\":\"string\",\"variants\":{\"a\":\"A\"},\"offVariant\":\"b\"}";
        assertThatThrownBy(() -> Flag.fromJson(unknownVariant)).hasMessageContaining("unknown variant 'b'");
        assertThatThrownBy(() -> Flag.fromJson("{\"key\":\"f 6\",\"type\":\"string\",\"variants\":{\"a\":\"A\"}}"))
                .hasMessageContaining("'f 6'");
        assertThatThrownBy(() -> Flag.fromJson(
                        "{\"key\":\"f7\",\"type\":\"string\",\"variants\":{\"a\":\"A\"},\"fallthru\":{}}"))
                .hasMessageContaining("'f7'")
                .hasMessageContaining("unknown field 'fallthru'");
        String nestedUnknown = "{\"key\":\"f8\",\"type\":\"boolean\",\"variants\":{\"true\":true,\"false\":false},"
                + "\"rules\":[{\"clauses\":[{\"attribute\":\"a\",\"op\":\"in\",\"values\":[\"x\"],\"negated\":true}],"
                + "\"serve\":{\"variant\":\"true\"}}]}";
        assertThatThrownBy(() -> Flag.fromJson(nestedUnknown))
                .hasMessageContaining("'f8'")
                .hasMessageContaining("rules[0].clauses[0] has unknown field 'negated'");
    }

    @Test
    void invalidPartsAreRejectedAtConstruction() {
        assertThatThrownBy(() -> new Allocation("x", 101)).hasMessageContaining("but was 101.0");
        assertThatThrownBy(() -> new Serve(null, null)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Clause.of("a", Operator.IN)).hasMessageContaining("at least one value");
        assertThatThrownBy(() -> Flag.builder("n")
                        .booleanVariants()
                        .rule(Rule.when(Serve.variant("true"), Clause.of("age", Operator.LESS_THAN, "ten")))
                        .build())
                .hasMessageContaining("needs numbers but got 'ten'");
        assertThatThrownBy(() -> Flag.builder("s")
                        .booleanVariants()
                        .rule(Rule.when(Serve.variant("true"), Clause.of("v", Operator.SEMVER_EQUAL, "one")))
                        .build())
                .hasMessageContaining("semantic versions");
        assertThatThrownBy(() -> FlagClient.builder(new ScriptedStore()).pollInterval(java.time.Duration.ZERO))
                .hasMessageContaining("pollInterval must be positive but was PT0S");
    }
}
