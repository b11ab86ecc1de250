package dev.cutover.replication.jdbc;

import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** {@link SourceRejectionChecks} on H2. */
class H2SourceRejectionTest extends SourceRejectionChecks {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "source_rejection");

    @Override
    FreshTables tables() {
        return TABLES;
    }
}
