package dev.cutover.replication.jdbc;

import dev.cutover.testsupport.FreshTables;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/**
 * {@link JdbcVersionedTarget}s on fresh tables of a test class's {@link FreshTables}: what makes a
 * table is the target's own schema for the settings asked for.
 */
final class FreshTargets {
    private FreshTargets() {}

    /**
     * A target built with {@code settings} on a new, empty table; the next table for the same
     * settings is prepared in the background meanwhile.
     */
    static JdbcVersionedTarget on(FreshTables tables, UnaryOperator<JdbcVersionedTarget.Builder> settings)
            throws Exception {
        String table = tables.fresh(name -> target(tables, name, settings).schemaStatements());
        return target(tables, table, settings);
    }

    private static JdbcVersionedTarget target(
            FreshTables tables, String table, UnaryOperator<JdbcVersionedTarget.Builder> settings) throws SQLException {
        return settings.apply(JdbcVersionedTarget.builder(tables.dataSource()).table(table))
                .build();
    }
}
