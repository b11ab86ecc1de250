package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.internal.jdbc.AllColumns;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Turns the current row of a {@link JdbcSource} page into the entity's payload.
 *
 * <pre>{@code
 * JdbcRowMapper mapper = rs -> JsonNodeFactory.instance.objectNode()
 *     .put("id", rs.getString("id"))
 *     .put("email", rs.getString("email").toLowerCase(Locale.ROOT));
 * }</pre>
 *
 * <p>Read columns by label; do not move the cursor. Must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface JdbcRowMapper {

    /** The payload of the current row. */
    JsonNode map(ResultSet row) throws SQLException;

    /**
     * Every column into one JSON object, keyed by column label as the driver reports it (PostgreSQL
     * lower-cases unquoted names, H2 upper-cases them): SQL NULL as {@code null}; booleans; integer
     * types as integers; {@code DECIMAL}/{@code NUMERIC} exact; {@code REAL}/{@code DOUBLE} as
     * doubles; text as strings; {@code json}/{@code jsonb} columns parsed; dates, times and
     * timestamps as ISO-8601 text (a timestamp with time zone as a UTC instant, {@code
     * "2024-05-01T10:15:30.123Z"}); binary as base64 text; anything else as the driver's string.
     */
    static JdbcRowMapper allColumns() {
        return AllColumns.INSTANCE;
    }
}
