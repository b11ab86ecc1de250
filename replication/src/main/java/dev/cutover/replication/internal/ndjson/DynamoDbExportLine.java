package dev.cutover.replication.internal.ndjson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;

/**
 * One line of a DynamoDB table export, an item in DynamoDB's typed JSON ({@code {"id": {"S": "a"},
 * "n": {"N": "5"}}}), read as the plain JSON item ({@code {"id": "a", "n": 5}}): what {@code
 * NdjsonSource.Format.DYNAMODB_JSON} reads. Reads both backup formats: the S3 export ({@code
 * {"Item": {...}}}, upper-case types) and the Data Pipeline export (one item per line, lower-case
 * types such as {@code "s"}, {@code "bOOL"}, {@code "nULLValue"}). Numbers keep their exact
 * decimal value; binary stays base64 text; sets become arrays.
 *
 * <p>It works on the JSON text alone, without the AWS SDK, which replication does not depend on.
 * The SDK's attribute values are converted by {@code DynamoDbJson} in the DynamoDB replication
 * module, whose {@code toExportLine} writes the lines read here.
 */
public final class DynamoDbExportLine {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DynamoDbExportLine() {}

    /**
     * The plain item of {@code line}.
     *
     * @throws IllegalArgumentException naming the attribute path (never its value) when a value is
     *     not a typed value
     */
    public static ObjectNode plainItem(JsonNode line) {
        JsonNode item = line.size() == 1 && line.has("Item") ? line.get("Item") : line;
        if (!item.isObject()) {
            throw new IllegalArgumentException("the item is not a JSON object");
        }
        return map(item, "");
    }

    private static ObjectNode map(JsonNode attributes, String path) {
        ObjectNode out = JSON.objectNode();
        for (Map.Entry<String, JsonNode> e : attributes.properties()) {
            out.set(e.getKey(), value(e.getValue(), path + (path.isEmpty() ? "" : ".") + e.getKey()));
        }
        return out;
    }

    private static JsonNode value(JsonNode typed, String path) {
        if (!typed.isObject() || typed.size() != 1) {
            throw new IllegalArgumentException("attribute " + path + " is not a DynamoDB typed value");
        }
        Map.Entry<String, JsonNode> only = typed.properties().iterator().next();
        JsonNode v = only.getValue();
        switch (only.getKey().toLowerCase(Locale.ROOT)) {
            case "s", "b":
                return text(v, path);
            case "n":
                return number(v, path);
            case "bool":
                if (v.isBoolean()
                        || (v.isTextual()
                                && (v.textValue().equals("true")
                                        || v.textValue().equals("false")))) {
                    return JSON.booleanNode(v.isBoolean() ? v.booleanValue() : Boolean.parseBoolean(v.textValue()));
                }
                throw new IllegalArgumentException("attribute " + path + " is a BOOL without a boolean");
            case "null", "nullvalue":
                return JSON.nullNode();
            case "m":
                if (!v.isObject()) {
                    throw new IllegalArgumentException("attribute " + path + " is an M without an object");
                }
                return map(v, path);
            case "l", "ss", "ns", "bs":
                if (!v.isArray()) {
                    throw new IllegalArgumentException("attribute " + path + " is a list or set without an array");
                }
                ArrayNode list = JSON.arrayNode();
                String kind = only.getKey().toLowerCase(Locale.ROOT);
                int i = 0;
                for (JsonNode element : v) {
                    String at = path + "[" + i++ + "]";
                    list.add(
                            switch (kind) {
                                case "l" -> value(element, at);
                                case "ns" -> number(element, at);
                                default -> text(element, at);
                            });
                }
                return list;
            default:
                throw new IllegalArgumentException("attribute " + path + " has an unknown DynamoDB type");
        }
    }

    private static JsonNode text(JsonNode v, String path) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("attribute " + path + " is a string type without a string");
        }
        return v;
    }

    private static JsonNode number(JsonNode v, String path) {
        try {
            BigDecimal d = new BigDecimal(v.isTextual() ? v.textValue() : v.asText());
            if ((!v.isTextual() && !v.isNumber()) || d.scale() < -200 || d.scale() > 200) {
                throw new NumberFormatException(); // DynamoDB numbers lie within 1E-130 and 1E+126
            }
            if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) {
                BigInteger integer = d.toBigIntegerExact();
                return integer.bitLength() < 64 ? JSON.numberNode(integer.longValue()) : JSON.numberNode(integer);
            }
            return DecimalNode.valueOf(d); // exact: trailing zeros kept
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("attribute " + path + " is an N without a number");
        }
    }
}
