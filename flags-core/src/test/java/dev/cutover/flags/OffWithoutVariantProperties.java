package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * An off flag that names no off-variant serves every caller its own default, with reason
 * {@link Reason#OFF} and no variant, whatever its type, rules and the context.
 */
class OffWithoutVariantProperties {
    private final ScriptedStore store = new ScriptedStore();
    private final FlagClient client =
            FlagClient.builder(store).startupTimeout(Duration.ofSeconds(5)).build();

    @AfterProperty
    void close() {
        client.close();
    }

    @Provide
    Arbitrary<Flag> offFlags() {
        Arbitrary<Flag.Builder> typed = Arbitraries.of(VariantType.values()).map(type -> switch (type) {
            case BOOLEAN ->
                Flag.builder("off.flag")
                        .type(VariantType.BOOLEAN)
                        .variant("true", true)
                        .variant("false", false);
            case STRING -> Flag.builder("off.flag").variant("a", "A").variant("b", "B");
            case NUMBER -> Flag.builder("off.flag").variant("one", 1).variant("half", 0.5);
            case JSON -> Flag.builder("off.flag").type(VariantType.JSON).variant("obj", Json.obj());
        });
        return Combinators.combine(typed, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((b, withRule, withTarget) -> {
                    List<String> names = new ArrayList<>(b.build().variantNames());
                    if (withRule) {
                        b.rule(Rule.when(Serve.variant(names.get(0)), Clause.of("country", Operator.IN, "DE")));
                    }
                    if (withTarget) {
                        b.target(Target.of(names.get(names.size() - 1), "customer-1"));
                    }
                    return b.on(false).offVariant(null).build();
                });
    }

    @Provide
    Arbitrary<EvaluationContext> contexts() {
        return Combinators.combine(
                        Arbitraries.of("customer-1", "customer-2", "x").injectNull(0.2),
                        Arbitraries.of("DE", "FR").injectNull(0.3))
                .as((key, country) -> {
                    if (key == null) {
                        return EvaluationContext.empty();
                    }
                    EvaluationContext.Builder b = EvaluationContext.builder(key);
                    if (country != null) {
                        b.set("country", country);
                    }
                    return b.build();
                });
    }

    @Property(tries = 200)
    void servesTheCallersDefaultWithReasonOff(
            @ForAll("offFlags") Flag flag,
            @ForAll("contexts") EvaluationContext ctx,
            @ForAll boolean boolDefault,
            @ForAll("strings") String stringDefault,
            @ForAll double doubleDefault,
            @ForAll int intDefault) {
        assertThat(flag.offVariant()).isEmpty();
        assertThat(Flag.fromJson(flag.toJson()).offVariant()).isEmpty();
        assertThat(flag.toJson()).doesNotContain("offVariant");
        store.publish(flag);
        client.refreshNow();
        String key = flag.key();
        switch (flag.type()) {
            case BOOLEAN -> {
                assertThat(client.booleanValue(key, ctx, boolDefault)).isEqualTo(boolDefault);
                assertOff(client.booleanDetail(key, ctx, boolDefault), boolDefault, flag);
            }
            case STRING -> {
                assertThat(client.stringValue(key, ctx, stringDefault)).isEqualTo(stringDefault);
                assertOff(client.stringDetail(key, ctx, stringDefault), stringDefault, flag);
            }
            case NUMBER -> {
                assertThat(client.intValue(key, ctx, intDefault)).isEqualTo(intDefault);
                assertThat(client.doubleValue(key, ctx, doubleDefault)).isEqualTo(doubleDefault);
                assertOff(client.intDetail(key, ctx, intDefault), intDefault, flag);
                assertOff(client.doubleDetail(key, ctx, doubleDefault), doubleDefault, flag);
            }
            case JSON -> {
                JsonNode dflt = TextNode.valueOf(stringDefault);
                assertThat(client.jsonValue(key, ctx, JsonNode.class, dflt)).isEqualTo(dflt);
                assertOff(client.jsonDetail(key, ctx, JsonNode.class, dflt), dflt, flag);
            }
        }
        // every type of read serves the default; a read of another type is a type error as before
        assertOff(client.jsonDetail(key, ctx, Object.class, "default"), "default", flag);
        assertThat(client.allFlags(ctx).evaluations()).doesNotContainKey(key);
    }

    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.strings().ofMaxLength(10);
    }

    private static <T> void assertOff(Evaluation<T> e, T dflt, Flag flag) {
        assertThat(e.value()).isEqualTo(dflt);
        assertThat(e.variant()).isNull();
        assertThat(e.reason()).isEqualTo(Reason.OFF);
        assertThat(e.errorCode()).isNull();
        assertThat(e.ruleIndex()).isEqualTo(-1);
        assertThat(e.isDefault()).as("%s of %s", e, flag).isTrue();
    }

    /** Counting evaluations of such a flag neither throws nor loses them: they count as OFF, no variant. */
    @Property(tries = 20)
    void countedUnderAnEmptyVariant(@ForAll("offFlags") Flag flag, @ForAll("contexts") EvaluationContext ctx) {
        store.publish(flag);
        client.refreshNow();
        client.statistics().countEvaluations();
        long before = offDefaults(flag.key());
        client.booleanValue(flag.key(), ctx, true);
        client.stringValue(flag.key(), ctx, "x");
        client.jsonDetail(flag.key(), ctx, Object.class, "x");
        long expected = 1 + (flag.type() == VariantType.BOOLEAN ? 1 : 0) + (flag.type() == VariantType.STRING ? 1 : 0);
        assertThat(offDefaults(flag.key()) - before).isEqualTo(expected);
    }

    private long offDefaults(String key) {
        long[] sum = {0};
        client.statistics().forEachEvaluationCounter(c -> {
            if (c.flag().equals(key) && c.reason() == Reason.OFF && c.variant().isEmpty()) {
                sum[0] += c.count();
            }
        });
        return sum[0];
    }

    /** Builds small JSON values. */
    private static final class Json {
        static JsonNode obj() {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .objectNode()
                    .put("k", 1);
        }
    }
}
