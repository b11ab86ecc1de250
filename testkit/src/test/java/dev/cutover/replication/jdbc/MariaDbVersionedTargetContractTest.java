package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** The {@link VersionedTarget} contract on embedded MariaDb, a new table per try. */
class MariaDbVersionedTargetContractTest extends VersionedTargetContract {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.MARIADB, "target_contract");

    @Override
    protected VersionedTarget createTarget() throws Exception {
        return FreshTargets.on(TABLES, b -> b.segments(3).batchSize(7));
    }
}
