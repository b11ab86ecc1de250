package dev.cutover.flags.dynamodb;

import dev.cutover.testkit.contract.WritableFlagStoreContract;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The store contract on DynamoDB Local; every test gets its own key prefix in one table. */
class DynamoDbFlagStoreContractTest extends WritableFlagStoreContract<DynamoDbFlagStore> {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final String TABLE = "cutover-contract";
    private static final DynamoDbClient DDB = LocalDynamoDb.client();

    static {
        DynamoDbFlagStore.builder(DDB, TABLE).build().createTableIfMissing();
    }

    @Override
    protected DynamoDbFlagStore createStore() {
        return DynamoDbFlagStore.builder(DDB, TABLE)
                .keyPrefix("t" + PREFIXES.incrementAndGet())
                .streams(LocalDynamoDb.streams())
                .streamPollInterval(java.time.Duration.ofMillis(50))
                .build();
    }

    @Override
    protected void putRaw(DynamoDbFlagStore store, String key, String json) {
        Map<String, AttributeValue> k =
                Map.of("pk", AttributeValue.fromS(store.keyPrefix() + "#flags"), "sk", AttributeValue.fromS(key));
        var existing = DDB.getItem(g -> g.tableName(TABLE).key(k).consistentRead(true));
        long version = existing.hasItem()
                ? Long.parseLong(existing.item().get("version").n()) + 1
                : 1;
        Map<String, AttributeValue> item = new HashMap<>(k);
        item.put("body", AttributeValue.fromS(json));
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        DDB.putItem(p -> p.tableName(TABLE).item(item));
        DDB.updateItem(u -> u.tableName(TABLE)
                .key(Map.of(
                        "pk", AttributeValue.fromS(store.keyPrefix() + "#head"), "sk", AttributeValue.fromS("head")))
                .updateExpression("ADD revision :one")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    }
}
