package dev.cutover.replication.dynamodb;

import dev.cutover.testsupport.LocalDynamoDb;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Fresh targets on DynamoDB Local for property tries: a fresh key prefix per try and a fresh table
 * every {@value #TRIES_PER_TABLE} tries (a table per try costs more than the try). Remembers each
 * target's table and prefix, for edits behind its back.
 */
final class DynamoDbTryTargets {
    private static final int TRIES_PER_TABLE = 15;

    private final String stem;
    private final AtomicInteger tries = new AtomicInteger();
    private final Map<DynamoDbVersionedTarget, String[]> places = new ConcurrentHashMap<>();
    private String table = "";

    DynamoDbTryTargets(String stem) {
        this.stem = stem;
    }

    synchronized DynamoDbVersionedTarget fresh() {
        int tryNumber = tries.getAndIncrement();
        if (tryNumber % TRIES_PER_TABLE == 0) {
            table = LocalDynamoDb.freshTable(stem);
            DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), table)
                    .build()
                    .createTableIfMissing();
        }
        String prefix = "try-" + tryNumber + "/";
        DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), table)
                .keyPrefix(prefix)
                .segments(3)
                .maxInFlight(4)
                .build();
        places.put(target, new String[] {table, prefix});
        return target;
    }

    /** Sets the payload of {@code key}'s item with a plain {@code UpdateItem}, keeping its version. */
    void editPayload(DynamoDbVersionedTarget target, String key, AttributeValue payload) {
        String[] place = places.get(target);
        LocalDynamoDb.client()
                .updateItem(u -> u.tableName(place[0])
                        .key(Map.of("pk", AttributeValue.fromS(place[1] + key)))
                        .updateExpression("SET #p = :p")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeNames(Map.of("#p", "payload"))
                        .expressionAttributeValues(Map.of(":p", payload)));
    }
}
