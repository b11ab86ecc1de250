package dev.cutover.dualwrite.replication.contract;

import dev.cutover.dualwrite.replication.InMemoryVersionedTarget;
import dev.cutover.dualwrite.replication.VersionedTarget;
import java.time.Clock;

/** {@link ExactPayloadContract} in memory: the reference. */
class InMemoryExactPayloadContractTest extends ExactPayloadContract {
  @Override
  protected VersionedTarget createTarget() {
    return new InMemoryVersionedTarget(3, Clock.systemUTC());
  }
}
