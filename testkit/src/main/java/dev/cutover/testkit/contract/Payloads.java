package dev.cutover.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of payloads that are hard to keep exact: longs near their limits, integers
 * beyond {@code long}, decimals with many digits and any scale (the NUMERIC(20,2) value {@code
 * 12345678901234567.89} among them), finite doubles, {@code int} nodes (which come back as
 * {@code long}), nested objects and arrays, and text with any Unicode character but NUL and lone
 * surrogates (astral characters such as {@code 𝄞} and emoji included).
 */
public final class Payloads {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Payloads() {}

    /** Payload objects nesting up to {@code depth} levels, decimals of at most {@code maxDigits} digits. */
    public static Arbitrary<JsonNode> objects(int depth, int maxDigits) {
        return object(depth, maxDigits).map(o -> (JsonNode) o);
    }

    private static Arbitrary<ObjectNode> object(int depth, int maxDigits) {
        Arbitrary<JsonNode> value = depth <= 1
                ? leaves(maxDigits)
                : Arbitraries.frequencyOf(
                        Tuple.of(6, leaves(maxDigits)),
                        Tuple.of(
                                1,
                                Arbitraries.lazy(() -> object(depth - 1, maxDigits))
                                        .map(o -> (JsonNode) o)),
                        Tuple.of(
                                1,
                                Arbitraries.lazy(() -> array(depth - 1, maxDigits))
                                        .map(a -> (JsonNode) a)));
        return Arbitraries.maps(fieldNames(), value).ofMaxSize(6).map(Payloads::objectOf);
    }

    private static Arbitrary<ArrayNode> array(int depth, int maxDigits) {
        Arbitrary<JsonNode> element = depth <= 1
                ? leaves(maxDigits)
                : Arbitraries.frequencyOf(
                        Tuple.of(6, leaves(maxDigits)),
                        Tuple.of(
                                1,
                                Arbitraries.lazy(() -> object(depth - 1, maxDigits))
                                        .map(o -> (JsonNode) o)));
        return element.list().ofMaxSize(5).map(list -> {
            ArrayNode a = JSON.arrayNode();
            list.forEach(a::add);
            return a;
        });
    }

    private static ObjectNode objectOf(Map<String, JsonNode> fields) {
        ObjectNode o = JSON.objectNode();
        fields.forEach(o::set);
        return o;
    }

    /** Scalars, numbers most often. */
    public static Arbitrary<JsonNode> leaves(int maxDigits) {
        return Arbitraries.frequencyOf(
                Tuple.of(3, longsNearLimits().map(JSON::numberNode)),
                Tuple.of(1, Arbitraries.integers().map(JSON::numberNode)),
                Tuple.of(2, beyondLong().map(JSON::numberNode)),
                Tuple.of(4, decimals(maxDigits).map(d -> (JsonNode) DecimalNode.valueOf(d))),
                Tuple.of(1, Arbitraries.doubles().between(-1e15, 1e15).map(JSON::numberNode)),
                Tuple.of(3, texts().map(JSON::textNode)),
                Tuple.of(1, Arbitraries.of(JSON.booleanNode(true), JSON.booleanNode(false), JSON.nullNode())));
    }

    static Arbitrary<Long> longsNearLimits() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(Long.MAX_VALUE - 1_000, Long.MAX_VALUE),
                Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 1_000),
                Arbitraries.longs().between(Integer.MAX_VALUE - 10L, Integer.MAX_VALUE + 10L),
                Arbitraries.longs());
    }

    /** Integers just beyond {@code long}, at most 20 digits. */
    static Arbitrary<BigInteger> beyondLong() {
        BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
        return Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE / 2), Arbitraries.of(1, -1))
                .as((above, sign) -> max.add(BigInteger.valueOf(above)).multiply(BigInteger.valueOf(sign)));
    }

    /** Decimals of 1 to {@code maxDigits} significant digits, scale -20 to 40, and a few fixed ones. */
    static Arbitrary<BigDecimal> decimals(int maxDigits) {
        Arbitrary<BigDecimal> any = Combinators.combine(
                        Arbitraries.strings()
                                .withCharRange('0', '9')
                                .ofMinLength(1)
                                .ofMaxLength(maxDigits),
                        Arbitraries.integers().between(-20, 40),
                        Arbitraries.of(1, -1))
                .as((digits, scale, sign) ->
                        new BigDecimal(new BigInteger(digits).multiply(BigInteger.valueOf(sign)), scale));
        Arbitrary<BigDecimal> fixed = Arbitraries.of(List.of(
                        "12345678901234567.89",
                        "-12345678901234567.90",
                        "0.1",
                        "1.50",
                        "100.00",
                        "0.000",
                        "1E+5",
                        "9007199254740993.5",
                        "3.14159265358979323846264338327950288"))
                .map(BigDecimal::new);
        return Arbitraries.frequencyOf(Tuple.of(4, any), Tuple.of(1, fixed));
    }

    /** Text of 0 to 12 code points: ASCII most often, then the rest of the BMP, then astral planes. */
    public static Arbitrary<String> texts() {
        Arbitrary<Integer> ascii = Arbitraries.integers().between(1, 0x7F);
        Arbitrary<Integer> bmp = Arbitraries.integers().between(0x80, 0xFFFD).filter(cp -> cp < 0xD800 || cp > 0xDFFF);
        Arbitrary<Integer> astral = Arbitraries.oneOf(
                Arbitraries.integers().between(0x10000, 0x10FFFF), Arbitraries.of(0x1F600, 0x1D11E, 0x20BB7));
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(Tuple.of(5, ascii), Tuple.of(2, bmp), Tuple.of(2, astral));
        return cp.list().ofMaxSize(12).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
    }

    /** Field names of 1 to 6 letters, some of them beyond ASCII. */
    static Arbitrary<String> fieldNames() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        4,
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .ofMinLength(1)
                                .ofMaxLength(6)),
                Tuple.of(1, Arbitraries.of("é", "ẞ", "名前", "𝄞", "a b", "Ω1")));
    }

    /**
     * Two variants of {@code payload}: one numerically equal to it (its first number rewritten with
     * two more trailing zeros, an integer as a decimal), one that differs by one unit in the last
     * place of that number (moved towards zero, so it never gains a digit), or by an extra field
     * when it holds no number.
     */
    public static JsonNode[] equalAndDifferent(JsonNode payload) {
        JsonNode equal = payload.deepCopy();
        JsonNode different = payload.deepCopy();
        if (!rewriteFirstNumber(equal, true)) {
            ((ObjectNode) different).put("zz-extra", 1);
        } else {
            rewriteFirstNumber(different, false);
        }
        return new JsonNode[] {equal, different};
    }

    private static boolean rewriteFirstNumber(JsonNode container, boolean equal) {
        if (container.isObject()) {
            ObjectNode o = (ObjectNode) container;
            for (Map.Entry<String, JsonNode> f : o.properties()) {
                if (f.getValue().isNumber()) {
                    o.set(f.getKey(), rewrite(f.getValue(), equal));
                    return true;
                }
                if (f.getValue().isContainerNode() && rewriteFirstNumber(f.getValue(), equal)) {
                    return true;
                }
            }
        } else if (container.isArray()) {
            ArrayNode a = (ArrayNode) container;
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isNumber()) {
                    a.set(i, rewrite(a.get(i), equal));
                    return true;
                }
                if (a.get(i).isContainerNode() && rewriteFirstNumber(a.get(i), equal)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode rewrite(JsonNode number, boolean equal) {
        BigDecimal d =
                number.isDouble() ? new BigDecimal(Double.toString(number.doubleValue())) : number.decimalValue();
        if (equal) {
            return DecimalNode.valueOf(d.setScale(d.scale() + 2));
        }
        BigDecimal ulp = BigDecimal.ONE.scaleByPowerOfTen(-d.scale());
        return DecimalNode.valueOf(d.signum() > 0 ? d.subtract(ulp) : d.add(ulp));
    }
}
