package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.jdbc.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Payload columns that only name columns: for the builder's checks. */
record JsonColumns(List<String> columns) implements JdbcPayloadColumns {
    @Override
    public List<String> definitions(SqlDialect dialect) {
        return columns.stream().map(c -> c + " VARCHAR(100)").toList();
    }

    @Override
    public void bind(PreparedStatement ps, int first, @Nullable JsonNode payload) {}

    @Override
    public JsonNode read(ResultSet rs, int first) {
        return JsonNodeFactory.instance.objectNode();
    }
}
