package dev.cutover.dualwrite.replication.jdbc;

import dev.cutover.dualwrite.replication.VersionedTarget;
import dev.cutover.dualwrite.replication.contract.ExactPayloadContract;

/** The {@link ExactPayloadContract} on embedded PostgreSQL, a new table per try. */
class PostgresExactPayloadContractTest extends ExactPayloadContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "exact_payload");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3));
  }
}
