package dev.cutover.replication.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.replication.Change;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Changes with payloads of every kind of JSON value as Jackson reads it from text: {@code int}s,
 * {@code long}s beyond {@code int}, integers beyond {@code long}, decimals with their scale (a
 * fraction, or an exponent), text of any Unicode code point (astral ones included), booleans,
 * nulls, nested objects and arrays; keys of any Unicode text.
 */
final class ChangeArbitraries {
    private ChangeArbitraries() {}

    /** Text of 1 to {@code max} Unicode code points (no lone surrogates: they are not Unicode text). */
    static Arbitrary<String> text(int min, int max) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0x20, 0x7e)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0x1f)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0xa0, 0xd7ff)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xe000, 0xfffd)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)));
        return codePoint.list().ofMinSize(min).ofMaxSize(max).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    static Arbitrary<JsonNode> leaf() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (JsonNode) IntNode.valueOf(i)),
                Arbitraries.oneOf(
                                Arbitraries.longs().between(Long.MIN_VALUE, Integer.MIN_VALUE - 1L),
                                Arbitraries.longs().between(Integer.MAX_VALUE + 1L, Long.MAX_VALUE))
                        .map(l -> (JsonNode) LongNode.valueOf(l)),
                Arbitraries.bigIntegers()
                        .between(BigInteger.ONE, BigInteger.TEN.pow(30))
                        .map(b -> (JsonNode) BigIntegerNode.valueOf(
                                BigInteger.valueOf(Long.MAX_VALUE).add(b))),
                Combinators.combine(
                                Arbitraries.bigIntegers()
                                        .between(BigInteger.TEN.pow(25).negate(), BigInteger.TEN.pow(25)),
                                Arbitraries.oneOf(
                                        Arbitraries.integers().between(1, 30),
                                        Arbitraries.integers().between(-12, -1)))
                        .as((unscaled, scale) -> (JsonNode) DecimalNode.valueOf(new BigDecimal(unscaled, scale))),
                text(0, 30).map(s -> (JsonNode) TextNode.valueOf(s)),
                Arbitraries.of(true, false).map(b -> (JsonNode) BooleanNode.valueOf(b)),
                Arbitraries.just(NullNode.getInstance()));
    }

    static Arbitrary<JsonNode> node(int depth) {
        if (depth == 0) {
            return leaf();
        }
        Arbitrary<JsonNode> child = node(depth - 1);
        Arbitrary<JsonNode> object = Combinators.combine(
                        text(0, 12).list().ofMaxSize(5), child.list().ofMaxSize(5))
                .as((names, values) -> {
                    ObjectNode o = JsonNodeFactory.instance.objectNode();
                    for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
                        o.set(names.get(i), values.get(i));
                    }
                    return o;
                });
        Arbitrary<JsonNode> array = child.list().ofMaxSize(5).map((List<JsonNode> values) -> {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            values.forEach(a::add);
            return a;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf()), net.jqwik.api.Tuple.of(2, object), net.jqwik.api.Tuple.of(1, array));
    }

    /** Upserts (any payload, a JSON null included) and deletes of any key and version. */
    static Arbitrary<Change> changes() {
        Arbitrary<String> keys = text(1, 40);
        Arbitrary<Long> versions = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 1000), Arbitraries.longs().between(1, Long.MAX_VALUE));
        Arbitrary<Change> upserts = Combinators.combine(keys, versions, node(3)).as(Change::upsert);
        Arbitrary<Change> deletes = Combinators.combine(keys, versions).as(Change::delete);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, upserts), net.jqwik.api.Tuple.of(1, deletes));
    }
}
