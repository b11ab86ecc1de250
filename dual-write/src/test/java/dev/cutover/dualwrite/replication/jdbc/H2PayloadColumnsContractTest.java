package dev.cutover.dualwrite.replication.jdbc;

import dev.cutover.dualwrite.replication.VersionedTarget;
import dev.cutover.dualwrite.replication.contract.VersionedTargetContract;

/** The contract on H2 with the payload in columns of its own ({@link ContractPayloadColumns}). */
class H2PayloadColumnsContractTest extends VersionedTargetContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.H2, "payload_columns_contract");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(5).payloadColumns(new ContractPayloadColumns()));
  }
}
