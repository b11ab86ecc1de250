package dev.cutover.replication.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.DriftRepairContract;

/** The {@link DriftRepairContract} on embedded PostgreSQL, a new table per try; edits behind its back by plain SQL. */
class PostgresDriftRepairContractTest extends DriftRepairContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "drift_repair");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3).batchSize(7));
  }

  @Override
  protected void editBehindTheTargetsBack(VersionedTarget target, String key, JsonNode payload) throws Exception {
    SqlEdits.editPayload(TABLES.dataSource(), target, key, payload);
  }
}
