package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.ExactPayloadContract;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** The {@link ExactPayloadContract} on MariaDB, a new table per try. */
class MariaDbExactPayloadContractTest extends ExactPayloadContract {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.MARIADB, "exact_payload");

    @Override
    protected VersionedTarget createTarget() throws Exception {
        return FreshTargets.on(TABLES, b -> b.segments(3));
    }
}
