package dev.cutover.dualwrite.replication.dynamodb;

class InMemoryShardCheckpointStoreTest extends ShardCheckpointStoreContract {
  @Override
  ShardCheckpointStore store() {
    return new InMemoryShardCheckpointStore();
  }
}
