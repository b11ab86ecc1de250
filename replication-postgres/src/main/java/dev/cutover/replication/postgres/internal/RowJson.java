package dev.cutover.replication.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.jspecify.annotations.Nullable;

/**
 * A row as Debezium decoded it (a Kafka Connect {@link Struct}) to one JSON object, typed as
 * Cutover's {@code JdbcSource} reads the same row from the table, so the mirror's payloads and
 * the backfill's agree (see {@link dev.cutover.replication.postgres.TableMapping}). Debezium runs
 * with {@code decimal.handling.mode=precise} and the default adaptive time precision, whose
 * semantic types are decoded here.
 *
 * <p>A column whose value Debezium could not read from the log (an unchanged TOAST value of an
 * update, under a replica identity that does not log it) arrives as {@link #UNAVAILABLE}; it is
 * never written as data: {@link UnavailableValueException} names table and column.
 */
public final class RowJson {
    /** What Debezium puts in place of a value missing from the log (its {@code unavailable.value.placeholder}). */
    public static final String UNAVAILABLE = "__cutover_value_not_in_log__";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE.getBytes(StandardCharsets.UTF_8);

    private RowJson() {}

    /** A column value that is not in the log. */
    public static final class UnavailableValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableValueException(String column) {
            super(column);
        }
    }

    /**
     * Every field of {@code row} into one object, in column order.
     *
     * @throws UnavailableValueException naming the column whose value is not in the log
     */
    public static ObjectNode of(Struct row) {
        ObjectNode out = JSON.objectNode();
        for (Field field : row.schema().fields()) {
            Object value = row.get(field);
            try {
                out.set(field.name(), value(field.schema(), value));
            } catch (UnavailableValueException e) {
                throw new UnavailableValueException(field.name());
            }
        }
        return out;
    }

    static JsonNode value(Schema schema, @Nullable Object value) {
        if (value == null) {
            return JSON.nullNode();
        }
        String name = schema.name() == null ? "" : schema.name();
        switch (name) {
            case Decimal.LOGICAL_NAME:
                return DecimalNode.valueOf((BigDecimal) value);
            case "io.debezium.data.VariableScaleDecimal": {
                Struct s = (Struct) value;
                return DecimalNode.valueOf(new BigDecimal(new BigInteger(bytes(s.get("value"))), s.getInt32("scale")));
            }
            case "io.debezium.time.Date":
                return JSON.textNode(
                        LocalDate.ofEpochDay(((Number) value).longValue()).toString());
            case "io.debezium.time.Time":
                return JSON.textNode(LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000_000L)
                        .toString());
            case "io.debezium.time.MicroTime":
                return JSON.textNode(LocalTime.ofNanoOfDay(((Number) value).longValue() * 1_000L)
                        .toString());
            case "io.debezium.time.NanoTime":
                return JSON.textNode(
                        LocalTime.ofNanoOfDay(((Number) value).longValue()).toString());
            case "io.debezium.time.Timestamp":
                return JSON.textNode(
                        localDateTime(((Number) value).longValue(), 1_000L).toString());
            case "io.debezium.time.MicroTimestamp":
                return JSON.textNode(
                        localDateTime(((Number) value).longValue(), 1_000_000L).toString());
            case "io.debezium.time.NanoTimestamp":
                return JSON.textNode(localDateTime(((Number) value).longValue(), 1_000_000_000L)
                        .toString());
            case "io.debezium.time.ZonedTimestamp":
                return JSON.textNode(
                        text(value).equals(UNAVAILABLE)
                                ? unavailable()
                                : OffsetDateTime.parse(text(value)).toInstant().toString());
            case "io.debezium.data.Json":
                return json(text(value));
            default:
                break;
        }
        switch (schema.type()) {
            case INT8, INT16, INT32, INT64:
                return JSON.numberNode(((Number) value).longValue());
            case FLOAT32, FLOAT64:
                return JSON.numberNode(((Number) value).doubleValue());
            case BOOLEAN:
                return JSON.booleanNode((Boolean) value);
            case BYTES: {
                byte[] bytes = bytes(value);
                if (java.util.Arrays.equals(bytes, UNAVAILABLE_BYTES)) {
                    unavailable();
                }
                return JSON.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case ARRAY: {
                ArrayNode array = JSON.arrayNode();
                for (Object element : (List<?>) value) {
                    array.add(value(schema.valueSchema(), element));
                }
                return array;
            }
            case STRUCT:
                return of((Struct) value);
            default: {
                String text = text(value);
                if (text.equals(UNAVAILABLE)) {
                    unavailable();
                }
                return JSON.textNode(text);
            }
        }
    }

    private static JsonNode json(String text) {
        if (text.equals(UNAVAILABLE)) {
            unavailable();
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a json column holds text that is not JSON", e);
        }
    }

    private static String unavailable() {
        throw new UnavailableValueException("");
    }

    private static LocalDateTime localDateTime(long value, long perSecond) {
        long seconds = Math.floorDiv(value, perSecond);
        long fraction = Math.floorMod(value, perSecond);
        long nanos = fraction * (1_000_000_000L / perSecond);
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), ZoneOffset.UTC);
    }

    private static String text(Object value) {
        return value.toString();
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] out = new byte[copy.remaining()];
            copy.get(out);
            return out;
        }
        return (byte[]) value;
    }
}
