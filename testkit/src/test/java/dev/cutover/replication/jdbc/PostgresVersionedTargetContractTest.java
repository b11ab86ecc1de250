package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;

/** The {@link VersionedTarget} contract on embedded Postgres, a new table per try. */
class PostgresVersionedTargetContractTest extends VersionedTargetContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.POSTGRES, "target_contract");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3));
  }
}
