package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.internal.jdbc.JsonPayloadColumn;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where {@link JdbcVersionedTarget} keeps an entity's payload: by default one JSON column named
 * {@code payload}; implement this to spread payload fields over columns of your own, so the new
 * table is queryable as the new service wants it. The target still owns its five bookkeeping
 * columns ({@code entity_key}, {@code bucket}, {@code version}, {@code deleted}, {@code
 * applied_at}) and all conditional SQL; this only binds and reads the payload.
 *
 * <pre>{@code
 * JdbcPayloadColumns columns = new JdbcPayloadColumns() {
 *   public List<String> columns() { return List.of("name", "email"); }
 *   public List<String> definitions(SqlDialect d) { return List.of("name VARCHAR(200)", "email VARCHAR(320)"); }
 *   public void bind(PreparedStatement ps, int first, @Nullable JsonNode p) throws SQLException {
 *     ps.setString(first, p == null ? null : p.path("name").asText(null));      // a tombstone: NULLs
 *     ps.setString(first + 1, p == null ? null : p.path("email").asText(null));
 *   }
 *   public JsonNode read(ResultSet rs, int first) throws SQLException {
 *     return JsonNodeFactory.instance.objectNode()
 *         .put("name", rs.getString(first)).put("email", rs.getString(first + 1));
 *   }
 * };
 * JdbcVersionedTarget.builder(pool).table("customers_v2").payloadColumns(columns).build();
 * }</pre>
 *
 * <p>{@code read(bind(p))} must give back a payload equal to {@code p} for every payload the
 * migration writes, or reconciliation will report differences. Columns must be nullable:
 * tombstones bind null. Implementations must be thread-safe (they are called concurrently).
 *
 * @since 0.1.0
 */
public interface JdbcPayloadColumns {

    /**
     * The payload columns in bind order: each a lower-case letter then lower-case letters, digits
     * or {@code _}, used unquoted, and none of the target's own columns.
     */
    List<String> columns();

    /** Column definitions ({@code "name VARCHAR(200)"}) for {@link JdbcVersionedTarget#createTableIfMissing()}. */
    List<String> definitions(SqlDialect dialect);

    /** The SQL placeholder of a column's value: {@code ?}, or an expression around it such as {@code CAST(? AS jsonb)}. */
    default String placeholder(String column, SqlDialect dialect) {
        return "?";
    }

    /**
     * Binds the payload's columns as parameters {@code first}, {@code first + 1}, ...; {@code
     * payload} is null for a tombstone, whose columns must be bound to SQL NULL.
     */
    void bind(PreparedStatement ps, int first, @Nullable JsonNode payload) throws SQLException;

    /** Reads the payload of a live row from columns {@code first}, {@code first + 1}, ... */
    JsonNode read(ResultSet rs, int first) throws SQLException;

    /**
     * One JSON column: {@code jsonb} on PostgreSQL, {@code JSON} on MySQL/MariaDB, {@code CLOB} on
     * H2, written and read with {@code mapper}. JSON text does not keep Java's number types: read
     * back, a number is whatever {@code mapper} makes of it (the target's default mapper reads every
     * integer as a {@code long} and every decimal as an exact {@code BigDecimal}), so compare
     * payloads by value, as {@code Comparison} and {@link PayloadDigest} do.
     */
    static JdbcPayloadColumns json(String column, ObjectMapper mapper) {
        return new JsonPayloadColumn(column, mapper);
    }
}
