package dev.cutover.dualwrite.replication.jdbc;

import dev.cutover.dualwrite.replication.VersionedTarget;
import dev.cutover.dualwrite.replication.contract.VersionedTargetContract;

/** The {@link VersionedTarget} contract on embedded Postgres, a new table per try. */
class PostgresVersionedTargetContractTest extends VersionedTargetContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "target_contract");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3));
  }
}
