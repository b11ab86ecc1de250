package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.internal.PayloadJson;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * An edit behind a JDBC target's back: a plain {@code UPDATE} of a row's payload that keeps its
 * version, as a person fixing data by hand or a faulty job would.
 */
final class SqlEdits {
    private SqlEdits() {}

    /** Sets the payload of {@code key} in {@code target}, a target on one of {@code tables}. */
    static void editPayload(FreshTables tables, VersionedTarget target, String key, JsonNode payload) throws Exception {
        String table = ((JdbcVersionedTarget) target).table();
        String value = tables.kind() == DatabaseKind.POSTGRES ? "CAST(? AS jsonb)" : "?";
        try (Connection c = tables.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE " + tables.quote(table) + " SET payload = " + value + " WHERE entity_key = ?")) {
            ps.setString(1, PayloadJson.MAPPER.writeValueAsString(payload));
            if (tables.kind() == DatabaseKind.MARIADB) {
                ps.setBytes(2, key.getBytes(StandardCharsets.UTF_8));
            } else {
                ps.setString(2, key);
            }
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no row " + key + " in " + table);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
