package dev.cutover.dualwrite.replication.dynamodb;

/** The checkpoint store contract on DynamoDB Local: one table, fresh shard names per test. */
class DynamoDbShardCheckpointStoreTest extends ShardCheckpointStoreContract {
  private static final DynamoDbShardCheckpointStore STORE =
      DynamoDbShardCheckpointStore.builder(LocalDynamoDb.client(), "checkpoint-contract").build();

  static {
    STORE.createTableIfMissing();
  }

  @Override
  ShardCheckpointStore store() {
    return STORE;
  }
}
