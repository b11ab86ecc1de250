package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.DriftRepairContract;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;

/** The {@link DriftRepairContract} on H2, a new table per try; edits behind its back by plain SQL. */
class H2DriftRepairContractTest extends DriftRepairContract {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "drift_repair");

    @Override
    protected VersionedTarget createTarget() throws Exception {
        return FreshTargets.on(TABLES, b -> b.segments(3).batchSize(7));
    }

    @Override
    protected void editBehindTheTargetsBack(VersionedTarget target, String key, JsonNode payload) throws Exception {
        SqlEdits.editPayload(TABLES, target, key, payload);
    }
}
