package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;

/** The contract on H2 with the payload in columns of its own ({@link ContractPayloadColumns}). */
class H2PayloadColumnsContractTest extends VersionedTargetContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.H2, "payload_columns_contract");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(5).payloadColumns(new ContractPayloadColumns()));
  }
}
