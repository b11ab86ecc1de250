package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** The {@link VersionedTarget} contract on an H2 in-memory database, a new table per try. */
class H2VersionedTargetContractTest extends VersionedTargetContract {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "target_contract");

    @Override
    protected VersionedTarget createTarget() throws Exception {
        return FreshTargets.on(TABLES, b -> b.segments(3));
    }
}
