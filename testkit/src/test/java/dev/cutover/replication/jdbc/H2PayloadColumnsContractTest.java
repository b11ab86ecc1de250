package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** The contract on H2 with the payload in columns of its own ({@link ContractPayloadColumns}). */
class H2PayloadColumnsContractTest extends VersionedTargetContract {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "payload_columns_contract");

    @Override
    protected VersionedTarget createTarget() throws Exception {
        return FreshTargets.on(TABLES, b -> b.segments(5).payloadColumns(new ContractPayloadColumns()));
    }
}
