package dev.cutover.replication.jdbc;

import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** {@link SourceRejectionChecks} on MariaDB. */
class MariaDbSourceRejectionTest extends SourceRejectionChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.MARIADB, "source_rejection");

    @Override
    FreshTables tables() {
        return TABLES;
    }
}
