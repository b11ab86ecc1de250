package dev.cutover.replication;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.ExactPayloadContract;
import java.time.Clock;

/** {@link ExactPayloadContract} in memory: the reference. */
class InMemoryExactPayloadContractTest extends ExactPayloadContract {
    @Override
    protected VersionedTarget createTarget() {
        return new InMemoryVersionedTarget(3, Clock.systemUTC());
    }
}
