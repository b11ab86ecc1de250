package dev.cutover.replication;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;
import java.time.Clock;

class InMemoryVersionedTargetContractTest extends VersionedTargetContract {
    @Override
    protected VersionedTarget createTarget() {
        return new InMemoryVersionedTarget(3, Clock.systemUTC());
    }
}
