package dev.cutover.replication;

import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.testkit.contract.ShardCheckpointStoreContract;

class InMemoryShardCheckpointStoreTest extends ShardCheckpointStoreContract {
    @Override
    protected ShardCheckpointStore store() {
        return new InMemoryShardCheckpointStore();
    }
}
