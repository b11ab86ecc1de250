package dev.cutover.replication.internal.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.internal.PayloadJson;
import dev.cutover.replication.jdbc.JdbcRowMapper;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Locale;

/**
 * {@link JdbcRowMapper#allColumns()}: every column of the row into one JSON object, exactly:
 * integer columns as {@code long}, {@code DECIMAL}/{@code NUMERIC} as {@code BigDecimal} with its
 * scale, JSON columns through {@link PayloadJson} (so their decimals stay exact too).
 */
public final class AllColumns implements JdbcRowMapper {
    public static final AllColumns INSTANCE = new AllColumns();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = PayloadJson.MAPPER;

    private AllColumns() {}

    @Override
    public JsonNode map(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        ObjectNode row = JSON.objectNode();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.set(meta.getColumnLabel(i), value(rs, i, meta.getColumnType(i), meta.getColumnTypeName(i)));
        }
        return row;
    }

    private static JsonNode value(ResultSet rs, int i, int type, String typeName) throws SQLException {
        if (rs.getObject(i) == null) {
            return JSON.nullNode();
        }
        String name = typeName.toLowerCase(Locale.ROOT);
        if (name.equals("json") || name.equals("jsonb")) {
            try {
                return MAPPER.readTree(rs.getString(i));
            } catch (JsonProcessingException e) {
                throw new SQLException("column " + rs.getMetaData().getColumnLabel(i) + " does not hold JSON");
            }
        }
        if (name.equals("timestamptz")) { // PostgreSQL reports it as TIMESTAMP
            return JSON.textNode(
                    rs.getObject(i, OffsetDateTime.class).toInstant().toString());
        }
        switch (type) {
            case Types.BIT, Types.BOOLEAN:
                return JSON.booleanNode(rs.getBoolean(i));
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT:
                return JSON.numberNode(rs.getLong(i));
            case Types.DECIMAL, Types.NUMERIC:
                return DecimalNode.valueOf(rs.getBigDecimal(i)); // exact: trailing zeros kept
            case Types.REAL, Types.FLOAT, Types.DOUBLE:
                return JSON.numberNode(rs.getDouble(i));
            case Types.DATE:
                return JSON.textNode(rs.getObject(i, LocalDate.class).toString());
            case Types.TIME:
                return JSON.textNode(rs.getObject(i, LocalTime.class).toString());
            case Types.TIMESTAMP:
                return JSON.textNode(rs.getObject(i, LocalDateTime.class).toString());
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return JSON.textNode(
                        rs.getObject(i, OffsetDateTime.class).toInstant().toString());
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB:
                return JSON.textNode(Base64.getEncoder().encodeToString(rs.getBytes(i)));
            default:
                return JSON.textNode(rs.getString(i));
        }
    }
}
