package dev.cutover.dualwrite.replication.backfill;

import dev.cutover.dualwrite.replication.CheckpointStore;
import dev.cutover.dualwrite.replication.JdbcCheckpointStore;
import dev.cutover.dualwrite.replication.contract.CheckpointStoreContract;
import java.time.Clock;

/** The checkpoint store contract on Postgres: a new table per try. */
class PostgresCheckpointStoreContractTest extends CheckpointStoreContract {
  @Override
  protected CheckpointStore createStore(Clock clock) {
    return JdbcCheckpointStore.builder(TestDatabases.postgres(), TestDatabases.uniqueName("contract"))
        .clock(clock)
        .build();
  }
}
