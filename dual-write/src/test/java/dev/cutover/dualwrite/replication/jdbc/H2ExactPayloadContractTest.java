package dev.cutover.dualwrite.replication.jdbc;

import dev.cutover.dualwrite.replication.VersionedTarget;
import dev.cutover.dualwrite.replication.contract.ExactPayloadContract;

/** The {@link ExactPayloadContract} on H2, a new table per try. */
class H2ExactPayloadContractTest extends ExactPayloadContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.H2, "exact_payload");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3));
  }
}
