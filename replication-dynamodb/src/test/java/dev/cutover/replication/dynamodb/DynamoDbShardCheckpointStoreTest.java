package dev.cutover.replication.dynamodb;

import dev.cutover.replication.spi.ShardCheckpointStore;
import dev.cutover.testkit.contract.ShardCheckpointStoreContract;
import dev.cutover.testsupport.LocalDynamoDb;

/** The checkpoint store contract on DynamoDB Local: one table, fresh shard names per test. */
class DynamoDbShardCheckpointStoreTest extends ShardCheckpointStoreContract {
    private static final DynamoDbShardCheckpointStore STORE = DynamoDbShardCheckpointStore.builder(
                    LocalDynamoDb.client(), "checkpoint-contract")
            .build();

    static {
        STORE.createTableIfMissing();
    }

    @Override
    protected ShardCheckpointStore store() {
        return STORE;
    }
}
