package dev.cutover.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Map;

/**
 * The canonical form two normalized results are compared in: one representation per value, so
 * that {@code JsonNode.equals} on canonical trees is the equality the comparison reports.
 *
 * <ul>
 *   <li>numbers by value: {@code 1}, {@code 1L}, {@code 1.0} and {@code BigDecimal("1.00")} all
 *       become the decimal {@code 1} (a {@code float} is read through its decimal text, so {@code
 *       0.1f} equals {@code 0.1}); {@code NaN} and the infinities stay doubles;
 *   <li>object fields sorted by name; absent ({@code MissingNode}) fields removed;
 *   <li>binary as its Base64 text (how Jackson writes it), embedded objects as their JSON tree.
 * </ul>
 */
final class CanonicalTree extends TreeRewriter {
    /** Integers up to this many digits are written out in full rather than as {@code 1E+2}. */
    private static final int PLAIN_INTEGER_DIGITS = 100;

    private static final CanonicalTree INSTANCE = new CanonicalTree();

    private CanonicalTree() {
        super(false); // its hooks ignore paths
    }

    /** The canonical form of a tree; never mutates it. */
    static JsonNode of(JsonNode tree) {
        return INSTANCE.normalize(tree);
    }

    @Override
    JsonNode leaf(JsonNode leaf, NodePath path) {
        if (leaf.isNumber()) {
            return number(leaf);
        }
        if (leaf.isBinary()) {
            return TextNode.valueOf(Base64.getEncoder().encodeToString(binary(leaf)));
        }
        if (leaf.isPojo()) {
            return pojo((POJONode) leaf);
        }
        return leaf;
    }

    /** A number as a stripped decimal, or a double when it is not finite. */
    static JsonNode number(JsonNode number) {
        if (number.isInt() || number.isLong() || number.isShort()) {
            return DecimalNode.valueOf(BigDecimal.valueOf(number.longValue())); // already scale 0, as below
        }
        if (nonFinite(number)) {
            return DoubleNode.valueOf(number.doubleValue());
        }
        BigDecimal value = decimal(number).stripTrailingZeros();
        if (value.scale() < 0 && value.precision() - value.scale() <= PLAIN_INTEGER_DIGITS) {
            value = value.setScale(0);
        }
        return DecimalNode.valueOf(value);
    }

    /** A finite number's exact decimal value; a float through its shortest decimal text. */
    static BigDecimal decimal(JsonNode number) {
        if (number.isFloat()) {
            return new BigDecimal(Float.toString(number.floatValue()));
        }
        return number.decimalValue();
    }

    /** Whether a number is a NaN or an infinity (which have no decimal value). */
    static boolean nonFinite(JsonNode number) {
        return (number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue());
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode pojo(POJONode node) {
        if (node.getPojo() == null) {
            return NullNode.getInstance();
        }
        try {
            // through text, so the result holds no embedded object and this cannot loop
            return of(DefaultObjectMapper.INSTANCE.readTree(DefaultObjectMapper.INSTANCE.writeValueAsString(node)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether a tree nests containers more than {@code max} deep (a scalar is depth 0, {@code {}}
     * is 1). Recursive, but never deeper than {@code max + 1} frames whatever the tree, so a tree too
     * deep for the recursive steps is refused without a {@link StackOverflowError} ({@code max} is
     * at most 1,000: {@code Comparison.Builder.DEPTH_LIMIT}).
     */
    static boolean depthExceeds(JsonNode root, int max) {
        if (!root.isContainerNode()) {
            return false;
        }
        if (max == 0) {
            return true;
        }
        if (root.isObject()) {
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                if (depthExceeds(field.getValue(), max - 1)) {
                    return true;
                }
            }
        } else {
            for (JsonNode element : root) {
                if (depthExceeds(element, max - 1)) {
                    return true;
                }
            }
        }
        return false;
    }
}
