package dev.cutover.flags.dynamodb;

import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.testkit.contract.HeartbeatStoreContract;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The heartbeat store contract on DynamoDB Local: every try gets its own key prefix in one pair of
 * tables, so tries never see each other's heartbeats; concurrent writers are separate stores.
 */
class DynamoDbHeartbeatStoreContractTest extends HeartbeatStoreContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final String TABLE = "cutover-heartbeat-contract";
    private static final DynamoDbClient DDB = LocalDynamoDb.client();

    static {
        DynamoDbFlagStore.builder(DDB, TABLE).build().createTableIfMissing();
    }

    @Override
    protected HeartbeatStore createStore() {
        return DynamoDbFlagStore.builder(DDB, TABLE)
                .keyPrefix("hb" + PREFIXES.incrementAndGet())
                .build();
    }

    @Override
    protected HeartbeatStore writer(HeartbeatStore store, int writer) {
        return DynamoDbFlagStore.builder(DDB, TABLE)
                .keyPrefix(((DynamoDbFlagStore) store).keyPrefix())
                .build();
    }

    @Override
    protected boolean expiresByItself() {
        return true;
    }
}
