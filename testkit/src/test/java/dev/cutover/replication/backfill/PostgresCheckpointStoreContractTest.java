package dev.cutover.replication.backfill;

import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.testkit.contract.CheckpointStoreContract;
import dev.cutover.testsupport.SharedDatabases;
import java.time.Clock;

/** The checkpoint store contract on Postgres: a new table per try. */
class PostgresCheckpointStoreContractTest extends CheckpointStoreContract {
    @Override
    protected CheckpointStore createStore(Clock clock) {
        return JdbcCheckpointStore.builder(SharedDatabases.postgres(), SharedDatabases.uniqueName("contract"))
                .clock(clock)
                .build();
    }
}
