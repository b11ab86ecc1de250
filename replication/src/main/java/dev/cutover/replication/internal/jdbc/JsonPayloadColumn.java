package dev.cutover.replication.internal.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.jdbc.JdbcPayloadColumns;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The default payload layout: the whole payload as JSON text in one column. */
public final class JsonPayloadColumn implements JdbcPayloadColumns {
    private final String column;
    private final ObjectMapper mapper;

    public JsonPayloadColumn(String column, ObjectMapper mapper) {
        this.column = Objects.requireNonNull(column, "column");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public List<String> columns() {
        return List.of(column);
    }

    @Override
    public List<String> definitions(SqlDialect dialect) {
        String type = switch (dialect) {
            case POSTGRESQL -> "JSONB";
            case MYSQL -> "JSON";
            case H2 -> "CLOB";
        };
        return List.of(column + " " + type);
    }

    @Override
    public String placeholder(String column, SqlDialect dialect) {
        return dialect == SqlDialect.POSTGRESQL ? "CAST(? AS jsonb)" : "?";
    }

    @Override
    public void bind(PreparedStatement ps, int first, @Nullable JsonNode payload) throws SQLException {
        if (payload == null) {
            ps.setNull(first, Types.VARCHAR);
            return;
        }
        ps.setString(first, text(payload));
    }

    /** The payload as the JSON text this column stores. */
    public String text(JsonNode payload) {
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public JsonNode read(ResultSet rs, int first) throws SQLException {
        String json = rs.getString(first);
        return parse(json, () -> mapper.readTree(Objects.requireNonNull(json)));
    }

    /**
     * Reads the column's JSON from its bytes, which pgJDBC hands over as received (UTF-8 text) for
     * a {@code jsonb} column: the parser reads them directly, without decoding a String first.
     */
    public JsonNode readUtf8(ResultSet rs, int first) throws SQLException {
        byte[] json = rs.getBytes(first);
        return parse(json, () -> mapper.readTree(Objects.requireNonNull(json)));
    }

    /** A parse of a column's value. */
    private interface Parse {
        JsonNode run() throws IOException;
    }

    private JsonNode parse(@Nullable Object value, Parse parse) throws SQLException {
        if (value == null) {
            throw new SQLException("column " + column + " of a live row is NULL");
        }
        try {
            return parse.run();
        } catch (JsonProcessingException e) {
            // the location only: the message of a parse error quotes the data
            throw new SQLException("column " + column + " does not hold JSON (line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new SQLException("column " + column + " could not be read", e);
        }
    }

    @Override
    public String toString() {
        return "json(" + column + ")";
    }
}
