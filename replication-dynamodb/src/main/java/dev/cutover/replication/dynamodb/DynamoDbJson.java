package dev.cutover.replication.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.dynamodb.internal.AttributeCodec;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB items to Jackson trees and back, as the versioned target stores payloads and the
 * default payload mapper of the scan source and the stream reader reads items: for payload
 * mappers that start from the whole item and adjust it.
 *
 * <pre>{@code
 * ObjectNode order = DynamoDbJson.toJson(image);
 * order.remove("legacyId");
 * }</pre>
 *
 * <p>Maps become objects, lists arrays, {@code S} text, {@code BOOL} booleans, {@code NULL} null,
 * {@code B} binary, and sets ({@code SS}, {@code NS}, {@code BS}) arrays in the order DynamoDB
 * returns them. {@code N} holds a number's value, not its Java type, so numbers come back as the
 * node holding the value exactly: {@code LongNode} for integers in {@code long} range, {@code
 * BigIntegerNode} beyond, {@code DecimalNode} for every other number (never a {@code double});
 * {@code 2.0} comes back as {@code 2} and {@code 1.50} as {@code 1.5}. Compare payloads by value,
 * in canonical form (the comparison module and {@code PayloadDigest} do), not with {@code
 * JsonNode.equals}. Values DynamoDB cannot store (NaN,
 * infinities, numbers beyond 38 digits or its range, nesting beyond 32 levels) are refused with an
 * {@code IllegalArgumentException} naming the JSON path.
 *
 * @since 0.1.0
 */
public final class DynamoDbJson {
    private DynamoDbJson() {}

    /** The JSON object of an item: one field per attribute. */
    public static ObjectNode toJson(Map<String, AttributeValue> item) {
        return AttributeCodec.toJson(Objects.requireNonNull(item, "item"));
    }

    /** The JSON of one attribute value. */
    public static JsonNode toJson(AttributeValue value) {
        return AttributeCodec.toJson(Objects.requireNonNull(value, "value"));
    }

    /** The attribute value of a JSON tree: a map for an object. */
    public static AttributeValue toAttribute(JsonNode json) {
        return AttributeCodec.toAttribute(Objects.requireNonNull(json, "json"), "json");
    }

    /**
     * One line of DynamoDB's S3 export format, {@code {"Item": {"id": {"S": "a"}, "n": {"N": "5"}}}}:
     * the typed JSON that {@code NdjsonSource.Format.DYNAMODB_JSON} reads back. For writing dumps
     * of a table (one line per item, newline-delimited), in tests and tools.
     *
     * @throws IllegalArgumentException for an attribute value with no type set, naming its path
     */
    public static ObjectNode toExportLine(Map<String, AttributeValue> item) {
        Objects.requireNonNull(item, "item");
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        ObjectNode typed = line.putObject("Item");
        item.forEach((name, value) -> typed.set(name, toTypedJson(value, name)));
        return line;
    }

    /** One value in DynamoDB's typed JSON, such as {@code {"S": "a"}} or {@code {"M": {...}}}. */
    public static ObjectNode toTypedJson(AttributeValue value) {
        return toTypedJson(Objects.requireNonNull(value, "value"), "value");
    }

    private static ObjectNode toTypedJson(AttributeValue v, String path) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (v.s() != null) {
            o.put("S", v.s());
        } else if (v.n() != null) {
            o.put("N", v.n());
        } else if (v.b() != null) {
            o.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
        } else if (v.bool() != null) {
            o.put("BOOL", v.bool());
        } else if (Boolean.TRUE.equals(v.nul())) {
            o.put("NULL", true);
        } else if (v.hasM()) {
            ObjectNode m = o.putObject("M");
            v.m().forEach((k, x) -> m.set(k, toTypedJson(x, path + "." + k)));
        } else if (v.hasL()) {
            ArrayNode l = o.putArray("L");
            for (int i = 0; i < v.l().size(); i++) {
                l.add(toTypedJson(v.l().get(i), path + "[" + i + "]"));
            }
        } else if (v.hasSs()) {
            v.ss().forEach(o.putArray("SS")::add);
        } else if (v.hasNs()) {
            v.ns().forEach(o.putArray("NS")::add);
        } else if (v.hasBs()) {
            ArrayNode bs = o.putArray("BS");
            v.bs().forEach(b -> bs.add(Base64.getEncoder().encodeToString(b.asByteArray())));
        } else {
            throw new IllegalArgumentException("attribute " + path + " has no type set");
        }
        return o;
    }

    /** The item of a JSON object: one attribute per field. */
    public static Map<String, AttributeValue> toItem(JsonNode object) {
        return AttributeCodec.toItem(Objects.requireNonNull(object, "object"), "json");
    }
}
