package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;

/**
 * {@link JdbcTargetChecks} on embedded PostgreSQL on tables created with {@code fillFactor(50)}:
 * pages with free space, so updates land in place (HOT) where the plain table moves rows; every
 * outcome stays the same.
 */
class PostgresFillFactorTargetTest extends JdbcTargetChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.POSTGRES, "target_fill");

    @Override
    FreshTables tables() {
        return TABLES;
    }

    @Override
    JdbcVersionedTarget fresh() throws Exception {
        return FreshTargets.on(tables(), b -> b.segments(4).batchSize(5).fillFactor(50));
    }

    @Example
    void theTableHasTheFillFactorAndOneIndexOnBucketAndKey() throws Exception {
        JdbcVersionedTarget target = fresh();
        assertThat(target.schemaStatements()).hasSize(1);
        assertThat(target.schemaStatements().get(0)).endsWith(") WITH (fillfactor = 50)");
        try (Connection c = TABLES.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT array_to_string(reloptions, ',') FROM pg_class" + " WHERE relname = ? AND relkind = 'r'")) {
                ps.setString(1, target.table());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("fillfactor=50");
                }
            }
            List<String> indexes = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT indexdef FROM pg_indexes WHERE tablename = ? ORDER BY indexname")) {
                ps.setString(1, target.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        indexes.add(rs.getString(1));
                    }
                }
            }
            assertThat(indexes).singleElement().asString().contains("UNIQUE").endsWith("(bucket, entity_key)");
        }
    }
}
