package dev.cutover.replication.dynamodb.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;

/**
 * Removes a versioned target's old tombstones: a scan filtered on {@code deleted = true AND
 * appliedAt < :t} (and the key prefix), then one {@code DeleteItem} per tombstone conditioned on
 * its version and deletedness, so a change applied between the scan and the delete is kept.
 */
public final class TombstonePurge {
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String partitionKey;
    private final String prefix;
    private final VersionedItems items;
    private final Calls calls;
    private final TableScan scan;

    public TombstonePurge(
            DynamoDbClient dynamoDb, String table, String partitionKey, String prefix, Calls calls, TableScan scan) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.partitionKey = partitionKey;
        this.prefix = prefix;
        this.items = new VersionedItems(partitionKey, prefix);
        this.calls = calls;
        this.scan = scan;
    }

    /** Removes the tombstones applied before {@code appliedBefore}; returns how many. */
    public long purge(Instant appliedBefore) {
        Map<String, String> names = new HashMap<>(Map.of(
                "#pk",
                partitionKey,
                "#d",
                VersionedItems.DELETED,
                "#a",
                VersionedItems.APPLIED_AT,
                "#v",
                VersionedItems.VERSION));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":true",
                AttributeValue.fromBool(true),
                ":t",
                AttributeValue.fromN(Long.toString(appliedBefore.toEpochMilli()))));
        String filter = "#d = :true AND #a < :t" + (prefix.isEmpty() ? "" : " AND begins_with(#pk, :prefix)");
        if (!prefix.isEmpty()) {
            values.put(":prefix", AttributeValue.fromS(prefix));
        }
        LongAdder purged = new LongAdder();
        scan.everyPage(
                "scan for tombstones",
                r -> r.filterExpression(filter)
                        .projectionExpression("#pk, #v, #d, #a")
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .consistentRead(true),
                page -> page.forEach(tombstone -> purged.add(delete(tombstone) ? 1 : 0)));
        return purged.sum();
    }

    private boolean delete(Map<String, AttributeValue> tombstone) {
        DeleteItemRequest delete = DeleteItemRequest.builder()
                .tableName(table)
                .key(Map.of(partitionKey, tombstone.get(partitionKey)))
                .conditionExpression("#v = :v AND #d = :true")
                .expressionAttributeNames(Map.of("#v", VersionedItems.VERSION, "#d", VersionedItems.DELETED))
                .expressionAttributeValues(
                        Map.of(":v", tombstone.get(VersionedItems.VERSION), ":true", AttributeValue.fromBool(true)))
                .build();
        try {
            calls.call(
                    "purge of '" + VersionedItems.abbreviate(items.keyOf(tombstone)) + "'",
                    () -> dynamoDb.deleteItem(delete));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false; // written again since the scan: kept
        }
    }
}
