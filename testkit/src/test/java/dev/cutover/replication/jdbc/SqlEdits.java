package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.jdbc.SqlDialect;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.replication.internal.PayloadJson;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;

/**
 * An edit behind a JDBC target's back: a plain {@code UPDATE} of a row's payload that keeps its
 * version, as a person fixing data by hand or a faulty job would.
 */
final class SqlEdits {
  private SqlEdits() {}

  static void editPayload(DataSource dataSource, VersionedTarget target, String key, JsonNode payload)
      throws Exception {
    JdbcVersionedTarget jdbc = (JdbcVersionedTarget) target;
    SqlDialect dialect = jdbc.dialect();
    String table = dialect == SqlDialect.MYSQL ? "`" + jdbc.table() + "`" : "\"" + jdbc.table() + "\"";
    String value = dialect == SqlDialect.POSTGRESQL ? "CAST(? AS jsonb)" : "?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET payload = " + value
            + " WHERE entity_key = ?")) {
      ps.setString(1, PayloadJson.MAPPER.writeValueAsString(payload));
      if (dialect == SqlDialect.MYSQL) {
        ps.setBytes(2, key.getBytes(StandardCharsets.UTF_8));
      } else {
        ps.setString(2, key);
      }
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("no row " + key + " in " + jdbc.table());
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }
}
