package dev.cutover.examples.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.jdbc.JdbcPayloadColumns;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The columns of one star-schema table: each payload field of an entity in a typed column of its
 * own (camelCase field {@code slideCount} in column {@code slide_count}), plus derived measures
 * that are computed when a row is written and never read back. {@link
 * dev.cutover.replication.jdbc.JdbcVersionedTarget} keeps its bookkeeping columns and its
 * conditional SQL; this only binds and reads the payload.
 *
 * <pre>{@code
 * StarColumns attendance = StarColumns.of(
 *     text("presentationId"), text("viewerId"), timestamp("joinedAt"), timestamp("leftAt"),
 *     measure("watch_ms", a -> millisBetween(a, "joinedAt", "leftAt")));
 * }</pre>
 *
 * <p>{@code read(bind(p))} gives back {@code p} for every payload of the table: text as text,
 * integers as {@code int}, timestamps as ISO-8601 instants in UTC ({@link Instant#toString()}),
 * JSON null as SQL NULL. A payload with a field that has no column, or a value of the wrong type,
 * is refused with an {@link IllegalArgumentException} naming the field: nothing is dropped
 * silently (the mirror records such a change as failed, with its key). Thread-safe.
 */
public final class StarColumns implements JdbcPayloadColumns {

    /** A column's SQL type, and how its value is bound and read. */
    public enum Type {
        /** {@code TEXT}: a JSON string. */
        TEXT,
        /** {@code INTEGER}: a JSON integer that fits an {@code int}. */
        INT,
        /** {@code TIMESTAMP WITH TIME ZONE}: a JSON string holding an ISO-8601 instant. */
        TIMESTAMP
    }

    /**
     * One column.
     *
     * @param name the column
     * @param field the payload field it holds, or null for a measure
     * @param type its type
     * @param measure how a measure is computed from the payload (null: SQL NULL); null for a field
     */
    public record Column(
            String name,
            @Nullable String field,
            Type type,
            @Nullable Function<JsonNode, @Nullable Long> measure) {}

    private final List<Column> columns;
    private final Set<String> fields;

    private StarColumns(List<Column> columns) {
        this.columns = List.copyOf(columns);
        this.fields =
                columns.stream().map(Column::field).filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());
    }

    /** The table's columns, in order. */
    public static StarColumns of(Column... columns) {
        return new StarColumns(List.of(columns));
    }

    /** A text field. */
    public static Column text(String field) {
        return new Column(snakeCase(field), field, Type.TEXT, null);
    }

    /** An integer field. */
    public static Column integer(String field) {
        return new Column(snakeCase(field), field, Type.INT, null);
    }

    /** A timestamp field. */
    public static Column timestamp(String field) {
        return new Column(snakeCase(field), field, Type.TIMESTAMP, null);
    }

    /** A {@code BIGINT} measure computed from the payload when the row is written. */
    public static Column measure(String name, Function<JsonNode, @Nullable Long> compute) {
        return new Column(name, null, Type.INT, compute);
    }

    /** Milliseconds from one timestamp field to another, or null while either is null. */
    public static @Nullable Long millisBetween(JsonNode payload, String from, String to) {
        JsonNode a = payload.path(from);
        JsonNode b = payload.path(to);
        return a.isTextual() && b.isTextual()
                ? instant(b, to).toEpochMilli() - instant(a, from).toEpochMilli()
                : null;
    }

    /** The columns that hold payload fields, in order (every column but the measures). */
    public List<Column> fieldColumns() {
        return columns.stream().filter(c -> c.field() != null).toList();
    }

    @Override
    public List<String> columns() {
        return columns.stream().map(Column::name).toList();
    }

    @Override
    public List<String> definitions(SqlDialect dialect) {
        return columns.stream()
                .map(c -> c.name() + " "
                        + switch (c.type()) {
                            case TEXT -> "TEXT";
                            case INT -> c.measure() != null ? "BIGINT" : "INTEGER";
                            case TIMESTAMP -> "TIMESTAMP WITH TIME ZONE";
                        })
                .toList();
    }

    @Override
    public void bind(PreparedStatement ps, int first, @Nullable JsonNode payload) throws SQLException {
        if (payload != null) {
            refuseUnknownFields(payload);
        }
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            int index = first + i;
            if (payload == null) { // a tombstone: every payload column NULL
                ps.setNull(index, sqlType(c));
            } else if (c.measure() != null) {
                Long value = c.measure().apply(payload);
                if (value == null) {
                    ps.setNull(index, Types.BIGINT);
                } else {
                    ps.setLong(index, value);
                }
            } else {
                bindField(ps, index, c, payload.path(c.field()));
            }
        }
    }

    @Override
    public JsonNode read(ResultSet rs, int first) throws SQLException {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (c.field() == null) {
                continue; // a measure: not part of the entity
            }
            int index = first + i;
            switch (c.type()) {
                case TEXT -> payload.put(c.field(), rs.getString(index));
                case INT -> {
                    int value = rs.getInt(index);
                    if (rs.wasNull()) {
                        payload.putNull(c.field());
                    } else {
                        payload.put(c.field(), value);
                    }
                }
                case TIMESTAMP -> {
                    OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
                    payload.put(
                            c.field(), value == null ? null : value.toInstant().toString());
                }
            }
        }
        return payload;
    }

    private void refuseUnknownFields(JsonNode payload) {
        if (!payload.isObject()) {
            throw new IllegalArgumentException("payload must be a JSON object but was a " + payload.getNodeType());
        }
        for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new IllegalArgumentException(
                        "payload field '" + name + "' has no column; columns hold " + fields);
            }
        }
    }

    private static void bindField(PreparedStatement ps, int index, Column c, JsonNode value) throws SQLException {
        if (value.isNull() || value.isMissingNode()) {
            ps.setNull(index, sqlType(c));
            return;
        }
        switch (c.type()) {
            case TEXT -> {
                if (!value.isTextual()) {
                    throw wrongType(c, value);
                }
                ps.setString(index, value.asText());
            }
            case INT -> {
                if (!value.canConvertToExactIntegral() || !value.canConvertToInt()) {
                    throw wrongType(c, value);
                }
                ps.setInt(index, value.intValue());
            }
            case TIMESTAMP -> ps.setObject(index, OffsetDateTime.ofInstant(instant(value, c.field()), ZoneOffset.UTC));
        }
    }

    private static Instant instant(JsonNode value, @Nullable String field) {
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be an ISO-8601 instant but was '" + value.asText() + "'", e);
        }
    }

    private static IllegalArgumentException wrongType(Column c, JsonNode value) {
        return new IllegalArgumentException("field '" + c.field() + "' must be " + c.type() + " but was a "
                + value.getNodeType() + (value.isValueNode() ? " (" + value + ")" : ""));
    }

    private static int sqlType(Column c) {
        return switch (c.type()) {
            case TEXT -> Types.VARCHAR;
            case INT -> c.measure() != null ? Types.BIGINT : Types.INTEGER;
            case TIMESTAMP -> Types.TIMESTAMP_WITH_TIMEZONE;
        };
    }

    private static String snakeCase(String field) {
        StringBuilder b = new StringBuilder();
        for (char ch : field.toCharArray()) {
            b.append(Character.isUpperCase(ch) ? "_" + Character.toLowerCase(ch) : String.valueOf(ch));
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "StarColumns" + columns();
    }
}
