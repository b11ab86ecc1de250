package dev.cutover.replication.jdbc;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;

/** The {@link VersionedTarget} contract on an H2 in-memory database, a new table per try. */
class H2VersionedTargetContractTest extends VersionedTargetContract {
  private static final TestTables TABLES = TestTables.of(TestTables.Store.H2, "target_contract");

  @Override
  protected VersionedTarget createTarget() throws Exception {
    return TABLES.freshTarget(b -> b.segments(3));
  }
}
