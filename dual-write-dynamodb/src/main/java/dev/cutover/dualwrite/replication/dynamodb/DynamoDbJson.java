package dev.cutover.dualwrite.replication.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.dualwrite.replication.dynamodb.internal.AttributeCodec;
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
 * narrowest node holding the value exactly: {@code LongNode} for integers in {@code long} range,
 * {@code BigIntegerNode} beyond, {@code DoubleNode} when the double is exactly the decimal, else
 * {@code DecimalNode}; {@code 2.0} comes back as {@code 2}. Compare payloads numerically (the
 * comparison module does), not with {@code JsonNode.equals}. Values DynamoDB cannot store (NaN,
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

  /** The item of a JSON object: one attribute per field. */
  public static Map<String, AttributeValue> toItem(JsonNode object) {
    return AttributeCodec.toItem(Objects.requireNonNull(object, "object"), "json");
  }
}
