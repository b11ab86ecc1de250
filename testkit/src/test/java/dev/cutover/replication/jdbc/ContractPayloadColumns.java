package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.jdbc.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The contract's payload ({@code id}, {@code name}, {@code rev}, {@code tags}) spread over columns
 * of its own, as a user would map an entity: the extension point of {@link JdbcPayloadColumns}.
 */
final class ContractPayloadColumns implements JdbcPayloadColumns {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public List<String> columns() {
        return List.of("id", "name", "rev", "tags");
    }

    @Override
    public List<String> definitions(SqlDialect dialect) {
        return List.of("id VARCHAR(1024)", "name VARCHAR(200)", "rev BIGINT", "tags VARCHAR(2000)");
    }

    @Override
    public void bind(PreparedStatement ps, int first, @Nullable JsonNode p) throws SQLException {
        if (p == null) {
            for (int i = 0; i < 4; i++) {
                ps.setNull(first + i, i == 2 ? Types.BIGINT : Types.VARCHAR);
            }
            return;
        }
        ps.setString(first, p.get("id").textValue());
        ps.setString(first + 1, p.get("name").textValue());
        ps.setLong(first + 2, p.get("rev").longValue());
        ps.setString(first + 3, p.get("tags").toString());
    }

    @Override
    public JsonNode read(ResultSet rs, int first) throws SQLException {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", rs.getString(first));
        o.put("name", rs.getString(first + 1));
        o.put("rev", rs.getLong(first + 2));
        try {
            o.set("tags", MAPPER.readTree(rs.getString(first + 3)));
        } catch (JsonProcessingException e) {
            throw new SQLException("tags is not JSON", e);
        }
        return o;
    }
}
