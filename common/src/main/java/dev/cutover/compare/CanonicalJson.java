package dev.cutover.compare;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * One text per canonical value: the key unordered arrays are sorted and matched by, the input of
 * value hashes, and the text of revealed values. Equal canonical trees give equal text and,
 * unlike {@code JsonNode.toString()}, different ones give different text: fields sorted, numbers
 * canonical, and {@code NaN} or {@code Infinity} written bare so that they cannot be taken for the
 * strings {@code "NaN"} or {@code "Infinity"}. That is the one place the text is not strict JSON.
 *
 * <p>Accepts any tree and writes its canonical form (see {@link CanonicalTree}) without
 * rebuilding it.
 */
final class CanonicalJson {
    private CanonicalJson() {}

    static String write(JsonNode node) {
        StringBuilder text = new StringBuilder();
        append(text, node);
        return text.toString();
    }

    private static void append(StringBuilder text, JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                TreeMap<String, JsonNode> fields = new TreeMap<>();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    if (!field.getValue().isMissingNode()) {
                        fields.put(field.getKey(), field.getValue());
                    }
                }
                text.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> field : fields.entrySet()) {
                    if (!first) {
                        text.append(',');
                    }
                    first = false;
                    quote(text, field.getKey());
                    text.append(':');
                    append(text, field.getValue());
                }
                text.append('}');
            }
            case ARRAY -> {
                text.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        text.append(',');
                    }
                    append(text, node.get(i));
                }
                text.append(']');
            }
            case NUMBER -> {
                JsonNode number = CanonicalTree.number(node);
                text.append(
                        number.isDouble()
                                ? Double.toString(number.doubleValue())
                                : number.decimalValue().toString());
            }
            case STRING -> quote(text, node.textValue());
            case BOOLEAN -> text.append(node.booleanValue());
            case BINARY, POJO -> append(text, CanonicalTree.of(node));
            case NULL, MISSING -> text.append("null");
        }
    }

    private static void quote(StringBuilder text, String value) {
        text.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, text);
        text.append('"');
    }
}
