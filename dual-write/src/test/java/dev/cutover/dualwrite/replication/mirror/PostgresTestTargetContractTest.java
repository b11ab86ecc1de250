package dev.cutover.dualwrite.replication.mirror;

import dev.cutover.dualwrite.replication.VersionedTarget;
import dev.cutover.dualwrite.replication.contract.VersionedTargetContract;

/** The test target holds to the store contract, so the mirror and repair tests on it mean something. */
class PostgresTestTargetContractTest extends VersionedTargetContract {
  @Override
  protected VersionedTarget createTarget() throws Exception {
    return PostgresTestTarget.create(3);
  }
}
