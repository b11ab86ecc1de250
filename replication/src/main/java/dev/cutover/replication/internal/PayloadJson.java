package dev.cutover.replication.internal;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The one mapper replication reads and writes payload JSON with, so that a payload read back is
 * the payload written: integers as {@code long} nodes ({@code BigInteger} beyond {@code long}),
 * every number with a fraction or an exponent as an exact {@code BigDecimal} with its scale kept
 * ({@code 12345678901234567.89} stays that, {@code 1.50} stays {@code 1.50}), never a {@code
 * double}. Text is UTF-8 with astral characters as they are. Numerically equal payloads (such as
 * {@code 1}, {@code 1.0} and {@code 1.00}) are told apart here but equal in canonical form
 * ({@code Comparison.canonicalize}, {@link dev.cutover.replication.PayloadDigest}).
 * Immutable and thread-safe.
 *
 * <p>Decimals are written without exponent ({@code 1E+5} as {@code 100000}, {@code 0E+1} as
 * {@code 0}): MariaDB's {@code JSON_VALID}, the check of its {@code JSON} columns, refuses {@code
 * 0E+1}. The value is kept; a negative scale is not. Jackson refuses to write a decimal whose
 * scale is beyond 9,999 either way, rather than writing a megabyte of zeros.
 *
 * <p>Integers become {@code long} nodes through the node factory, not {@code USE_LONG_FOR_INTS}:
 * that feature makes Jackson read every integer as a {@code long} and fail on one beyond {@code
 * long} range ({@code 9223372036854775808}), which must come back as a {@code BigInteger}.
 */
public final class PayloadJson {
    /** The shared mapper; configured once, never changed. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .nodeFactory(new LongNodes())
            .build();

    private PayloadJson() {}

    /** Integer nodes as {@code long} nodes, whatever the number's size in the text. */
    private static final class LongNodes extends JsonNodeFactory {
        private static final long serialVersionUID = 1L;

        LongNodes() {
            super(false);
        }

        @Override
        public NumericNode numberNode(byte v) {
            return LongNode.valueOf(v);
        }

        @Override
        public NumericNode numberNode(short v) {
            return LongNode.valueOf(v);
        }

        @Override
        public NumericNode numberNode(int v) {
            return LongNode.valueOf(v);
        }

        @Override
        public ValueNode numberNode(@Nullable Byte v) {
            return v == null ? nullNode() : LongNode.valueOf(v);
        }

        @Override
        public ValueNode numberNode(@Nullable Short v) {
            return v == null ? nullNode() : LongNode.valueOf(v);
        }

        @Override
        public ValueNode numberNode(@Nullable Integer v) {
            return v == null ? nullNode() : LongNode.valueOf(v);
        }
    }

    /**
     * A deep copy of {@code payload} holding what {@link #MAPPER} would read back from its JSON text:
     * {@code int}, {@code short} and {@code BigInteger} nodes within {@code long} range as {@code
     * long}; finite {@code float} and {@code double} nodes as the {@code BigDecimal} of their decimal
     * text; everything else as it is. For stores that keep trees rather than text.
     */
    public static JsonNode exactCopy(JsonNode payload) {
        return switch (payload.getNodeType()) {
            case OBJECT -> {
                ObjectNode copy = JsonNodeFactory.instance.objectNode();
                payload.properties().forEach(f -> copy.set(f.getKey(), exactCopy(f.getValue())));
                yield copy;
            }
            case ARRAY -> {
                ArrayNode copy = JsonNodeFactory.instance.arrayNode(payload.size());
                payload.forEach(e -> copy.add(exactCopy(e)));
                yield copy;
            }
            case NUMBER -> exactNumber(payload);
            default -> payload.deepCopy();
        };
    }

    private static JsonNode exactNumber(JsonNode n) {
        if (n.isInt() || n.isShort() || n.isLong()) {
            return LongNode.valueOf(n.longValue());
        }
        if (n.isBigInteger()) {
            return n.canConvertToLong() ? LongNode.valueOf(n.longValue()) : n;
        }
        if ((n.isDouble() || n.isFloat()) && Double.isFinite(n.doubleValue())) {
            String text = n.isFloat() ? Float.toString(n.floatValue()) : Double.toString(n.doubleValue());
            return DecimalNode.valueOf(new BigDecimal(text));
        }
        return n;
    }

    /** A mapper configured as {@link #MAPPER}, to configure further: for other readers. */
    public static JsonMapper.Builder builder() {
        return MAPPER.rebuild();
    }
}
