package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;

/** The {@link VersionedTarget} contract on embedded MariaDb, a new table per try. */
class MariaDbVersionedTargetContractTest extends VersionedTargetContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.MARIADB, "target_contract");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3).batchSize(7));
  }
}
