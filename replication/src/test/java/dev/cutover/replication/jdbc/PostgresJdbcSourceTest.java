package dev.cutover.replication.jdbc;

import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** {@link JdbcSourceChecks} on embedded Postgres. */
class PostgresJdbcSourceTest extends JdbcSourceChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.POSTGRES, "source_checks");

    @Override
    FreshTables tables() {
        return TABLES;
    }
}
