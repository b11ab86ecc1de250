package dev.cutover.openfeature.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Converts a flag's JSON value to an OpenFeature {@link Value}: objects become immutable
 * structures, arrays lists, whole numbers that fit an {@code int} an {@code Integer}, other whole
 * numbers that fit a {@code long} a {@code Long}, every other number a {@code Double}, and JSON null
 * the null value. Stateless and thread-safe.
 */
public final class JsonValues {

    private JsonValues() {}

    /** The OpenFeature value of a JSON tree. */
    public static Value toValue(JsonNode node) {
        switch (node.getNodeType()) {
            case BOOLEAN:
                return new Value(node.booleanValue());
            case STRING:
                return new Value(node.textValue());
            case NUMBER:
                if (node.canConvertToInt() && node.isIntegralNumber()) {
                    return new Value(node.intValue());
                }
                if (node.canConvertToLong() && node.isIntegralNumber()) {
                    return new Value(node.longValue());
                }
                return new Value(node.doubleValue());
            case ARRAY:
                List<Value> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    list.add(toValue(element));
                }
                return new Value(list);
            case OBJECT:
                Map<String, Value> fields = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    fields.put(field.getKey(), toValue(field.getValue()));
                }
                return new Value(new ImmutableStructure(fields));
            default:
                // NULL and MISSING; flag values are parsed JSON, so binary and POJO nodes do not occur
                return new Value();
        }
    }
}
