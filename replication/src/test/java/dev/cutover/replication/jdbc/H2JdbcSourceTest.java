package dev.cutover.replication.jdbc;

import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** {@link JdbcSourceChecks} on H2. */
class H2JdbcSourceTest extends JdbcSourceChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "source_checks");

    @Override
    FreshTables tables() {
        return TABLES;
    }
}
