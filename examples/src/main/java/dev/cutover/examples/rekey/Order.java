package dev.cutover.examples.rekey;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An order as the services see it. {@code id} is the id as it was typed (possibly dirty: the old
 * table's key); {@code version} goes up by one with every write of the id, a delete included.
 */
record Order(String id, long version, String customer, String status, long totalCents) {

    /** The order as an item of the old table. */
    Map<String, AttributeValue> toItem() {
        return Map.of(
                "id", AttributeValue.fromS(id),
                "version", AttributeValue.fromN(Long.toString(version)),
                "customer", AttributeValue.fromS(customer),
                "status", AttributeValue.fromS(status),
                "totalCents", AttributeValue.fromN(Long.toString(totalCents)));
    }

    /** An item of the old table as an order. */
    static Order fromItem(Map<String, AttributeValue> item) {
        return new Order(
                item.get("id").s(),
                Long.parseLong(item.get("version").n()),
                item.get("customer").s(),
                item.get("status").s(),
                Long.parseLong(item.get("totalCents").n()));
    }

    /** A payload of the new table (the old item as plain JSON) as an order. */
    static Order fromJson(JsonNode payload) {
        return new Order(
                payload.get("id").asText(),
                payload.get("version").asLong(),
                payload.get("customer").asText(),
                payload.get("status").asText(),
                payload.get("totalCents").asLong());
    }
}
