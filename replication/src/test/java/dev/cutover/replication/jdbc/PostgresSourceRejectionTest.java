package dev.cutover.replication.jdbc;

import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** {@link SourceRejectionChecks} on Postgres. */
class PostgresSourceRejectionTest extends SourceRejectionChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.POSTGRES, "source_rejection");

    @Override
    FreshTables tables() {
        return TABLES;
    }
}
