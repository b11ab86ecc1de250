package dev.cutover.replication.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the rows of one captured table become changes: which table, which columns make the entity
 * key, and what the payload is. Immutable; each {@code with}-style method returns a new mapping.
 *
 * <pre>{@code
 * TableMapping orders = TableMapping.table("public.orders").key("id");
 * TableMapping lines = TableMapping.table("public.order_lines").key("order_id", "line_no")
 *     .payload(row -> row.without(List.of("internal_note")));
 * }</pre>
 *
 * <p><b>Rows.</b> A row reaches {@link #payload} as one JSON object with every column, typed as
 * {@link dev.cutover.replication.jdbc.JdbcSource} reads the same row (so backfill, mirror and
 * reconciliation agree): integers as {@code long}, {@code numeric} as the exact {@code
 * BigDecimal}, {@code real}/{@code double precision} as {@code double}, {@code boolean}, {@code
 * date}/{@code time}/{@code timestamp} as ISO-8601 text, {@code timestamptz} as an instant in
 * UTC ({@code 2024-05-01T10:15:30Z}), {@code json}/{@code jsonb} as the JSON itself, {@code bytea}
 * as Base64, anything else as PostgreSQL's text form.
 *
 * <p><b>Keys.</b> One key column gives its value as text ({@code 42}, {@code 7d0c...}); several
 * are joined with {@code |}, each value escaped ({@code \} before every {@code \} and {@code |}),
 * so two different column tuples never make one key. A key column that is null fails the capture,
 * naming table and column. Deletes are keyed from the row's replica identity, so the key columns
 * must be in it: the primary key (PostgreSQL's default), a {@code REPLICA IDENTITY USING INDEX}
 * or {@code REPLICA IDENTITY FULL}; {@link PostgresChangeCapture#start()} checks it.
 *
 * @param table {@code schema.table}; a name without a schema is in {@code public}
 * @param keyColumns the key columns, in key order; empty until {@link #key} is called
 * @param payload the payload of an upsert, from the whole row (default: the row itself)
 * @since 0.2.0
 */
public record TableMapping(String table, List<String> keyColumns, Function<ObjectNode, JsonNode> payload) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    public TableMapping {
        Objects.requireNonNull(table, "table");
        keyColumns = List.copyOf(Objects.requireNonNull(keyColumns, "keyColumns"));
        Objects.requireNonNull(payload, "payload");
        String[] parts = table.split("\\.", -1);
        if (parts.length != 2
                || !NAME.matcher(parts[0]).matches()
                || !NAME.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException(
                    "table must be schema.table of letters, digits, _ and $ (unquoted names) but was '" + table + "'");
        }
        for (String column : keyColumns) {
            if (!NAME.matcher(column).matches()) {
                throw new IllegalArgumentException("key column of " + table
                        + " must be an unquoted column name (letters, digits, _, $) but was '" + column + "'");
            }
        }
        if (keyColumns.stream().distinct().count() != keyColumns.size()) {
            throw new IllegalArgumentException("key columns of " + table + " repeat a column: " + keyColumns);
        }
    }

    /** A mapping of {@code table} ({@code schema.table}, or a table in {@code public}); name its key next. */
    public static TableMapping table(String table) {
        Objects.requireNonNull(table, "table");
        String qualified = table.contains(".") ? table : "public." + table;
        return new TableMapping(qualified, List.of(), row -> row);
    }

    /** The entity key: these columns' values, in this order (one at least). */
    public TableMapping key(String... columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length == 0) {
            throw new IllegalArgumentException("key of " + table + " needs at least one column but was none");
        }
        return new TableMapping(table, List.of(columns), payload);
    }

    /** The payload of an upsert, from the whole row (never called for deletes). */
    public TableMapping payload(Function<ObjectNode, JsonNode> payload) {
        return new TableMapping(table, keyColumns, Objects.requireNonNull(payload, "payload"));
    }

    /** The schema part of {@link #table()}. */
    public String schema() {
        return table.substring(0, table.indexOf('.'));
    }

    /** The table part of {@link #table()}, without the schema. */
    public String tableName() {
        return table.substring(table.indexOf('.') + 1);
    }
}
