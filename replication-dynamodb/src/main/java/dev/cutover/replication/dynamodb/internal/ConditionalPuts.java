package dev.cutover.replication.dynamodb.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.ReplaceOutcome;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The versioned apply of one change: a {@code PutItem} conditioned on {@code
 * attribute_not_exists(pk) OR version < :v}. A failed condition returns the stored item
 * ({@code ALL_OLD}), whose version tells a duplicate from a superseded change; a store that
 * returns no item gets one consistent read instead, counted.
 */
public final class ConditionalPuts {
    private static final String CONDITION = "attribute_not_exists(#pk) OR #v < :v";
    private static final String REPLACE_CONDITION = "#v = :v AND #d = :live AND #p = :p";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String partitionKey;
    private final VersionedItems items;
    private final Calls calls;
    private final String target;
    private final LongAdder fallbackReads = new LongAdder();

    public ConditionalPuts(
            DynamoDbClient dynamoDb,
            String table,
            String partitionKey,
            VersionedItems items,
            Calls calls,
            String target) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.partitionKey = partitionKey;
        this.items = items;
        this.calls = calls;
        this.target = target;
    }

    /**
     * The conditional put of {@code change} applied at {@code now}.
     *
     * @throws IllegalArgumentException naming the key when DynamoDB would refuse the item
     */
    public PutItemRequest prepare(Change change, long now) {
        return PutItemRequest.builder()
                .tableName(table)
                .item(items.item(change, now))
                .conditionExpression(CONDITION)
                .expressionAttributeNames(Map.of("#pk", partitionKey, "#v", VersionedItems.VERSION))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(change.version()))))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** Runs a prepared put of {@code change}. */
    public ApplyOutcome apply(Change change, PutItemRequest put) {
        try {
            calls.call("apply of " + change, () -> dynamoDb.putItem(put));
            return ApplyOutcome.APPLIED;
        } catch (ConditionalCheckFailedException e) {
            Long stored = VersionedItems.version(e.hasItem() ? e.item() : null);
            if (stored == null) {
                fallbackReads.increment();
                stored = VersionedItems.version(read(change.key()));
            }
            if (stored == null) {
                throw new IllegalStateException("key '" + VersionedItems.abbreviate(change.key()) + "' in " + target
                        + " holds an item without a version: not written by a versioned target");
            }
            return stored == change.version() ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED;
        }
    }

    /**
     * Replaces the item of {@code row.key()} when it is live at {@code expectedVersion} and its
     * payload's digest is {@code expectedDigest}: a consistent read, the digest compared here, then
     * a {@code PutItem} conditioned on the version, the tombstone flag and the payload attribute
     * being exactly what was read ({@code =} compares maps and lists element by element, numbers by
     * value). Whatever was written between the read and the put changes one of them, and the put
     * writes nothing.
     */
    public ReplaceOutcome replace(long expectedVersion, String expectedDigest, Change row, long now) {
        Map<String, AttributeValue> put = items.item(row, now); // every check before any call
        Map<String, AttributeValue> stored = read(row.key());
        if (stored == null) {
            return ReplaceOutcome.CHANGED;
        }
        Change current = items.change(stored);
        AttributeValue payload = stored.get(VersionedItems.PAYLOAD);
        if (current.isDelete()
                || current.version() != expectedVersion
                || payload == null
                || !PayloadDigest.of(current).equals(expectedDigest)) {
            return ReplaceOutcome.CHANGED;
        }
        PutItemRequest request = PutItemRequest.builder()
                .tableName(table)
                .item(put)
                .conditionExpression(REPLACE_CONDITION)
                .expressionAttributeNames(Map.of(
                        "#v", VersionedItems.VERSION, "#d", VersionedItems.DELETED, "#p", VersionedItems.PAYLOAD))
                .expressionAttributeValues(Map.of(
                        ":v",
                        AttributeValue.fromN(Long.toString(expectedVersion)),
                        ":live",
                        AttributeValue.fromBool(false),
                        ":p",
                        payload))
                .build();
        try {
            calls.call("replace of " + row, () -> dynamoDb.putItem(request));
            return ReplaceOutcome.REPLACED;
        } catch (ConditionalCheckFailedException e) {
            return ReplaceOutcome.CHANGED;
        }
    }

    /** The item of {@code key}, read consistently, or null. */
    public @Nullable Map<String, AttributeValue> read(String key) {
        var response = calls.call(
                "read of '" + VersionedItems.abbreviate(key) + "'",
                () -> dynamoDb.getItem(
                        g -> g.tableName(table).key(items.key(key)).consistentRead(true)));
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /** Failed conditions that needed a read to classify. */
    public long fallbackReads() {
        return fallbackReads.sum();
    }
}
