package dev.cutover.testkit.arbitraries;

import static dev.cutover.testkit.arbitraries.ContextValues.COUNTRIES;
import static dev.cutover.testkit.arbitraries.ContextValues.decimals;
import static dev.cutover.testkit.arbitraries.FlagArbitraries.w;
import static dev.cutover.testkit.arbitraries.FlagArbitraries.weighted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.flags.VariantType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/** Variants of every {@link VariantType} and the instants of schedules and audit fields. */
final class VariantValues {
    private static final List<String> STRING_VARIANT_NAMES =
            List.of("control", "treatment", "OLD", "SHADOW", "DUAL_WRITE", "NEW", "cutover", "rollback");
    private static final List<String> NUMBER_VARIANT_NAMES = List.of("small", "medium", "large", "off", "n-1");
    private static final List<String> JSON_VARIANT_NAMES = List.of("config-a", "config-b", "config-c", "disabled");
    private static final List<String> FREE_TEXT =
            List.of("", "a", "Zürich", "日本語", "emoji 🚀", "quote \" and \\ backslash", "tab\tnew\nline");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private VariantValues() {}

    /** Variant names to values of the type, in definition order; at least one. */
    static Arbitrary<Map<String, JsonNode>> variants(VariantType type) {
        return switch (type) {
            case BOOLEAN ->
                weighted(
                        w(
                                6,
                                Arbitraries.just(orderedMap(
                                        List.of("true", "false"), List.of(BooleanNode.TRUE, BooleanNode.FALSE)))),
                        w(
                                1,
                                Arbitraries.just(orderedMap(
                                        List.of("on", "off"), List.of(BooleanNode.TRUE, BooleanNode.FALSE)))),
                        w(1, Arbitraries.just(orderedMap(List.of("enabled"), List.of(BooleanNode.TRUE)))));
            case STRING -> named(STRING_VARIANT_NAMES, stringValues());
            case NUMBER -> named(NUMBER_VARIANT_NAMES, numberValues());
            case JSON -> named(JSON_VARIANT_NAMES, jsonValues());
        };
    }

    private static Arbitrary<Map<String, JsonNode>> named(List<String> pool, Arbitrary<JsonNode> values) {
        return Arbitraries.shuffle(pool)
                .flatMap(shuffled -> Arbitraries.integers()
                        .between(1, Math.min(4, shuffled.size()))
                        .flatMap(n -> values.list().ofSize(n).map(vs -> orderedMap(shuffled.subList(0, n), vs))));
    }

    private static Map<String, JsonNode> orderedMap(List<String> names, List<JsonNode> values) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            map.put(names.get(i), values.get(i));
        }
        return map;
    }

    private static Arbitrary<JsonNode> stringValues() {
        return weighted(
                        w(3, Arbitraries.of("OLD", "SHADOW", "DUAL_WRITE", "NEW", "read-new", "write-both")),
                        w(1, Arbitraries.of(FREE_TEXT)),
                        w(
                                1,
                                Arbitraries.strings()
                                        .alpha()
                                        .numeric()
                                        .withChars(' ', '-')
                                        .ofMaxLength(16)))
                .map(s -> (JsonNode) TextNode.valueOf(s));
    }

    private static Arbitrary<JsonNode> numberValues() {
        return weighted(
                w(3, Arbitraries.integers().between(-1000, 100_000).map(i -> (JsonNode) IntNode.valueOf(i))),
                w(2, decimals(-1_000_000, 1_000_000, 3).map(d -> (JsonNode) DoubleNode.valueOf(d))),
                w(
                        1,
                        Arbitraries.longs()
                                .between(3_000_000_000L, Long.MAX_VALUE / 2)
                                .map(l -> (JsonNode) LongNode.valueOf(l))));
    }

    private static Arbitrary<JsonNode> jsonValues() {
        Arbitrary<JsonNode> object = Combinators.combine(
                        Arbitraries.integers().between(1, 10_000),
                        Arbitraries.of("read-old", "read-new", "dual"),
                        Arbitraries.of(true, false),
                        Arbitraries.of(COUNTRIES).list().ofMaxSize(3))
                .as((limit, mode, shadow, regions) -> {
                    ObjectNode o = NODES.objectNode();
                    o.put("batchLimit", limit);
                    o.put("mode", mode);
                    o.putObject("shadow").put("enabled", shadow).put("sampleRate", limit / 10_000.0);
                    ArrayNode r = o.putArray("regions");
                    regions.forEach(r::add);
                    return (JsonNode) o;
                });
        Arbitrary<JsonNode> array = Arbitraries.integers()
                .between(0, 100)
                .list()
                .ofMaxSize(4)
                .map(list -> {
                    ArrayNode a = NODES.arrayNode();
                    list.forEach(a::add);
                    return (JsonNode) a;
                });
        return weighted(
                w(6, object),
                w(2, array),
                w(1, stringValues()),
                w(1, numberValues()),
                w(1, Arbitraries.of(true, false).map(b -> (JsonNode) BooleanNode.valueOf(b))),
                w(1, Arbitraries.just((JsonNode) NullNode.getInstance())));
    }

    static Arbitrary<Instant> instants() {
        // 2001 to 2099, whole seconds or milliseconds: far from now, so a test's clock does not matter
        return Combinators.combine(
                        Arbitraries.longs()
                                .between(978_307_200L, 4_070_908_800L)
                                .withDistribution(RandomDistribution.uniform()),
                        weighted(
                                w(2, Arbitraries.just(0)),
                                w(1, Arbitraries.integers().between(1, 999))))
                .as((seconds, millis) -> Instant.ofEpochSecond(seconds).plusMillis(millis));
    }
}
