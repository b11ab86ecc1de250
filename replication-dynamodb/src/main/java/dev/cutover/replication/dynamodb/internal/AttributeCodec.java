package dev.cutover.replication.dynamodb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Jackson trees to DynamoDB attribute values and back, value for value: objects as {@code M},
 * arrays as {@code L}, text as {@code S}, numbers as {@code N}, booleans as {@code BOOL}, null as
 * {@code NULL}, binary as {@code B}. Sets read from a table ({@code SS}, {@code NS}, {@code BS})
 * come back as arrays in the order DynamoDB returns them.
 *
 * <p>{@code N} keeps a number's value, not its Java type or scale, so numbers come back as the
 * node holding that value exactly: an integral value as a {@code LongNode} (a {@code
 * BigIntegerNode} beyond {@code long}), any other as a {@code DecimalNode} without trailing zeros,
 * never a {@code double}. So {@code 2.0} comes back as {@code 2}: compare payloads in canonical
 * form (the comparison module and {@code PayloadDigest} do), not with {@code JsonNode.equals}.
 *
 * <p>What DynamoDB would refuse is refused here first, naming the subject and the JSON path:
 * {@code NaN} and infinities, numbers beyond 38 significant digits or outside 1E-130 to 1E+126,
 * nesting deeper than {@value #MAX_DEPTH} levels, and POJO nodes.
 */
public final class AttributeCodec {
    /** DynamoDB's limit of nested maps and lists in one attribute. */
    public static final int MAX_DEPTH = 32;

    private static final BigDecimal MAX_MAGNITUDE = new BigDecimal("1E+126");
    private static final BigDecimal MIN_MAGNITUDE = new BigDecimal("1E-130");
    /** Keeps decimals as given: {@link #number} normalizes them itself, so both directions agree. */
    private static final JsonNodeFactory JSON = new JsonNodeFactory(true);

    private AttributeCodec() {}

    /**
     * The attribute value of {@code node}.
     *
     * @param subject what the node belongs to, for error messages (for example "payload of 'k'")
     * @throws IllegalArgumentException for a value DynamoDB cannot store, naming subject and path
     */
    public static AttributeValue toAttribute(JsonNode node, String subject) {
        return toAttribute(node, subject, "$", 1);
    }

    /** The item of a JSON object, each field an attribute. */
    public static Map<String, AttributeValue> toItem(JsonNode object, String subject) {
        if (!object.isObject()) {
            throw new IllegalArgumentException(subject + " must be a JSON object but was " + object.getNodeType());
        }
        return toAttribute(object, subject).m();
    }

    private static AttributeValue toAttribute(JsonNode node, String subject, String path, int depth) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                checkDepth(subject, path, depth);
                Map<String, AttributeValue> m = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    m.put(
                            field.getKey(),
                            toAttribute(field.getValue(), subject, path + "." + field.getKey(), depth + 1));
                }
                return AttributeValue.fromM(m);
            }
            case ARRAY -> {
                checkDepth(subject, path, depth);
                List<AttributeValue> l = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    l.add(toAttribute(node.get(i), subject, path + "[" + i + "]", depth + 1));
                }
                return AttributeValue.fromL(l);
            }
            case STRING -> {
                return AttributeValue.fromS(node.textValue());
            }
            case NUMBER -> {
                return AttributeValue.fromN(numberText(node, subject, path));
            }
            case BOOLEAN -> {
                return AttributeValue.fromBool(node.booleanValue());
            }
            case NULL -> {
                return AttributeValue.fromNul(true);
            }
            case BINARY -> {
                try {
                    return AttributeValue.fromB(SdkBytes.fromByteArray(node.binaryValue()));
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException(subject + " at " + path + " has unreadable binary", e);
                }
            }
            default ->
                throw new IllegalArgumentException(
                        subject + " at " + path + " is a " + node.getNodeType() + " node, which has no DynamoDB form");
        }
    }

    private static void checkDepth(String subject, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(subject + " at " + path + " nests deeper than DynamoDB's " + MAX_DEPTH
                    + " levels of maps and lists");
        }
    }

    private static String numberText(JsonNode node, String subject, String path) {
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            throw new IllegalArgumentException(subject + " at " + path + " is " + node.doubleValue()
                    + ", which DynamoDB cannot store as a number");
        }
        BigDecimal value = node.isIntegralNumber()
                ? new BigDecimal(node.bigIntegerValue())
                : node.isDouble() || node.isFloat()
                        ? new BigDecimal(Double.toString(node.doubleValue()))
                        : node.decimalValue();
        BigDecimal magnitude = value.abs();
        if (value.signum() != 0
                && (magnitude.compareTo(MAX_MAGNITUDE) >= 0 || magnitude.compareTo(MIN_MAGNITUDE) < 0)) {
            throw new IllegalArgumentException(subject + " at " + path + " is " + value
                    + ", outside DynamoDB's number range of 1E-130 to 1E+126 in magnitude");
        }
        if (value.signum() != 0 && value.stripTrailingZeros().precision() > 38) {
            throw new IllegalArgumentException(
                    subject + " at " + path + " is " + value + ", more than the 38 significant digits DynamoDB keeps");
        }
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    /** The Jackson tree of an attribute value; see the class comment for numbers and sets. */
    public static JsonNode toJson(AttributeValue value) {
        switch (value.type()) {
            case S:
                return JSON.textNode(value.s());
            case N:
                return number(value.n());
            case BOOL:
                return JSON.booleanNode(value.bool());
            case NUL:
                return JSON.nullNode();
            case B:
                return JSON.binaryNode(value.b().asByteArray());
            case M:
                return toJson(value.m());
            case L: {
                ArrayNode array = JSON.arrayNode(value.l().size());
                value.l().forEach(v -> array.add(toJson(v)));
                return array;
            }
            case SS: {
                ArrayNode array = JSON.arrayNode();
                value.ss().forEach(array::add);
                return array;
            }
            case NS: {
                ArrayNode array = JSON.arrayNode();
                value.ns().forEach(n -> array.add(number(n)));
                return array;
            }
            case BS: {
                ArrayNode array = JSON.arrayNode();
                value.bs().forEach(b -> array.add(b.asByteArray()));
                return array;
            }
            default:
                throw new IllegalArgumentException("unknown DynamoDB attribute type " + value.type());
        }
    }

    /** The JSON object of an item or map, each attribute a field. */
    public static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode object = JSON.objectNode();
        item.forEach((name, v) -> object.set(name, toJson(v)));
        return object;
    }

    /** The node holding the value of the number text {@code n} exactly: a long, a BigInteger or a BigDecimal. */
    static JsonNode number(String n) {
        BigDecimal value = new BigDecimal(n);
        if (value.signum() == 0 || value.stripTrailingZeros().scale() <= 0) {
            BigInteger integral = value.toBigIntegerExact();
            return integral.bitLength() < 64 ? JSON.numberNode(integral.longValue()) : JSON.numberNode(integral);
        }
        return JSON.numberNode(value.stripTrailingZeros());
    }

    /**
     * The size DynamoDB bills and limits an item by: attribute names plus values, strings and binary
     * by their bytes, numbers by about one byte per two significant digits, maps and lists 3 bytes
     * plus one per element. An estimate that errs high by at most a few bytes per number.
     */
    public static long itemSize(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8Length(e.getKey()) + size(e.getValue());
        }
        return size;
    }

    private static long size(AttributeValue v) {
        switch (v.type()) {
            case S:
                return utf8Length(v.s());
            case N:
                return numberSize(v.n());
            case B:
                return v.b().asByteArrayUnsafe().length;
            case BOOL:
            case NUL:
                return 1;
            case M: {
                long size = 3;
                for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                    size += 1 + utf8Length(e.getKey()) + size(e.getValue());
                }
                return size;
            }
            case L: {
                long size = 3;
                for (AttributeValue element : v.l()) {
                    size += 1 + size(element);
                }
                return size;
            }
            case SS:
                return v.ss().stream().mapToLong(AttributeCodec::utf8Length).sum();
            case NS:
                return v.ns().stream().mapToLong(AttributeCodec::numberSize).sum();
            case BS:
                return v.bs().stream()
                        .mapToLong(b -> b.asByteArrayUnsafe().length)
                        .sum();
            default:
                return 0;
        }
    }

    private static long numberSize(String n) {
        int digits = new BigDecimal(n).stripTrailingZeros().precision();
        return 2 + (digits + 1) / 2;
    }

    /** The UTF-8 length of {@code s}, without encoding it. */
    public static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
