package dev.cutover.replication.dynamodb.internal;

import dev.cutover.replication.Change;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The items of a versioned target: a change to an item and back. An item is the partition key
 * (the key prefix plus the change's key), {@code version} (N), {@code deleted} (BOOL), {@code
 * payload} (the payload's attribute value, a map for a JSON object; absent on a tombstone) and
 * {@code appliedAt} (N, epoch milliseconds). Checks DynamoDB's key and item limits before any
 * call, naming the key.
 */
public final class VersionedItems {
    /** The version attribute. */
    public static final String VERSION = "version";
    /** The tombstone flag attribute. */
    public static final String DELETED = "deleted";
    /** The payload attribute. */
    public static final String PAYLOAD = "payload";
    /** When the item was written, epoch milliseconds. */
    public static final String APPLIED_AT = "appliedAt";
    /** DynamoDB's limit of a partition key value, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 2048;
    /** DynamoDB's item size limit, names and values, in bytes. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;

    private final String partitionKey;
    private final String prefix;

    public VersionedItems(String partitionKey, String prefix) {
        this.partitionKey = partitionKey;
        this.prefix = prefix;
    }

    /** The primary key of {@code key}'s item. */
    public Map<String, AttributeValue> key(String key) {
        return Map.of(partitionKey, AttributeValue.fromS(prefix + key));
    }

    /**
     * The item that stores {@code change}, applied at {@code appliedAtMillis}.
     *
     * @throws IllegalArgumentException naming the key when DynamoDB would refuse it: a partition key
     *     over {@value #MAX_KEY_BYTES} bytes, a payload it cannot store, an item over 400 KB
     */
    public Map<String, AttributeValue> item(Change change, long appliedAtMillis) {
        String pk = prefix + change.key();
        long keyBytes = AttributeCodec.utf8Length(pk);
        if (keyBytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key '" + abbreviate(change.key()) + "' is " + keyBytes
                    + " bytes in UTF-8" + (prefix.isEmpty() ? "" : " with its prefix")
                    + ", over DynamoDB's partition key limit of "
                    + MAX_KEY_BYTES + " bytes");
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(partitionKey, AttributeValue.fromS(pk));
        item.put(VERSION, AttributeValue.fromN(Long.toString(change.version())));
        item.put(DELETED, AttributeValue.fromBool(change.isDelete()));
        item.put(APPLIED_AT, AttributeValue.fromN(Long.toString(appliedAtMillis)));
        if (change.payload() != null) {
            item.put(
                    PAYLOAD,
                    AttributeCodec.toAttribute(change.payload(), "payload of '" + abbreviate(change.key()) + "'"));
        }
        long size = AttributeCodec.itemSize(item);
        if (size > MAX_ITEM_BYTES) {
            throw new IllegalArgumentException(
                    "item of key '" + abbreviate(change.key()) + "' at version " + change.version() + " would be about "
                            + size + " bytes, over DynamoDB's item limit of 400 KB (" + MAX_ITEM_BYTES + " bytes)");
        }
        return item;
    }

    /** Whether {@code item} belongs to this target's key prefix. */
    public boolean owns(Map<String, AttributeValue> item) {
        AttributeValue pk = item.get(partitionKey);
        return pk != null
                && pk.s() != null
                && pk.s().startsWith(prefix)
                && pk.s().length() > prefix.length();
    }

    /**
     * The change an item stores: an upsert, or a delete for a tombstone.
     *
     * @throws IllegalStateException naming the key when the item is not one this target wrote
     */
    public Change change(Map<String, AttributeValue> item) {
        String key = keyOf(item);
        AttributeValue version = item.get(VERSION);
        AttributeValue deleted = item.get(DELETED);
        AttributeValue payload = item.get(PAYLOAD);
        if (version == null
                || version.n() == null
                || deleted == null
                || deleted.bool() == null
                || (!deleted.bool() && payload == null)) {
            throw new IllegalStateException("item '" + abbreviate(key) + "' lacks " + VERSION + ", " + DELETED + " or "
                    + PAYLOAD + ": not written by a versioned target");
        }
        long v = Long.parseLong(version.n());
        return deleted.bool() ? Change.delete(key, v) : Change.upsert(key, v, AttributeCodec.toJson(payload));
    }

    /** The stored version of an item, or null when it has none. */
    public static @Nullable Long version(@Nullable Map<String, AttributeValue> item) {
        if (item == null) {
            return null;
        }
        AttributeValue v = item.get(VERSION);
        return v == null || v.n() == null ? null : Long.parseLong(v.n());
    }

    /** The change key of an item: its partition key without the prefix. */
    public String keyOf(Map<String, AttributeValue> item) {
        AttributeValue pk = item.get(partitionKey);
        if (pk == null || pk.s() == null || !pk.s().startsWith(prefix)) {
            throw new IllegalStateException("item has no string " + partitionKey + " starting with '" + prefix + "'");
        }
        return pk.s().substring(prefix.length());
    }

    /** A key short enough for a message. */
    public static String abbreviate(String key) {
        return key.length() <= 120 ? key : key.substring(0, 100) + "...(" + key.length() + " characters)";
    }
}
