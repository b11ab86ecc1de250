package dev.cutover.dualwrite.replication.backfill;

import dev.cutover.dualwrite.replication.CheckpointStore;
import dev.cutover.dualwrite.replication.JdbcCheckpointStore;
import dev.cutover.dualwrite.replication.contract.CheckpointStoreContract;
import java.time.Clock;

/** The checkpoint store contract on MariaDb: a new table per try. */
class MariaDbCheckpointStoreContractTest extends CheckpointStoreContract {
  @Override
  protected CheckpointStore createStore(Clock clock) {
    return JdbcCheckpointStore.builder(TestDatabases.mariaDb(), TestDatabases.uniqueName("contract"))
        .clock(clock)
        .build();
  }
}
