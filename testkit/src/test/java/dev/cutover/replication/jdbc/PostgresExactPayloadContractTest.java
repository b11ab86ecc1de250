package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.ExactPayloadContract;

/** The {@link ExactPayloadContract} on embedded PostgreSQL, a new table per try. */
class PostgresExactPayloadContractTest extends ExactPayloadContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "exact_payload");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3));
  }
}
