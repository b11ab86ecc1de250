package dev.cutover.replication.backfill;

import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.testkit.contract.CheckpointStoreContract;
import java.time.Clock;

class InMemoryCheckpointStoreContractTest extends CheckpointStoreContract {
    @Override
    protected CheckpointStore createStore(Clock clock) {
        return new InMemoryCheckpointStore(clock);
    }
}
