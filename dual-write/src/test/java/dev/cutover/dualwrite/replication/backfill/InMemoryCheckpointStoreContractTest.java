package dev.cutover.dualwrite.replication.backfill;

import dev.cutover.dualwrite.replication.CheckpointStore;
import dev.cutover.dualwrite.replication.InMemoryCheckpointStore;
import dev.cutover.dualwrite.replication.contract.CheckpointStoreContract;
import java.time.Clock;

class InMemoryCheckpointStoreContractTest extends CheckpointStoreContract {
  @Override
  protected CheckpointStore createStore(Clock clock) {
    return new InMemoryCheckpointStore(clock);
  }
}
