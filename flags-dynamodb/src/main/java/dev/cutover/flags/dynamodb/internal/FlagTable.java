package dev.cutover.flags.dynamodb.internal;

import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The flag table's layout and its reads: the keys of the head, flag and audit items, how a flag
 * item becomes a {@link RawFlag} and an audit item an {@link AuditRecord}, and the reads of the
 * store, each through {@link WriteRetry#read} so a throttled read is counted. The layout itself is
 * documented on {@code DynamoDbFlagStore}.
 */
public final class FlagTable {
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String prefix;
    private final boolean consistentRead;
    private final WriteRetry reads;

    /**
     * The table {@code table} with every partition key prefixed by {@code prefix}; the head check and
     * the load read consistently when {@code consistentRead}.
     */
    public FlagTable(DynamoDbClient dynamoDb, String table, String prefix, boolean consistentRead, WriteRetry reads) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.prefix = prefix;
        this.consistentRead = consistentRead;
        this.reads = reads;
    }

    /** The client the table is read and written with. */
    public DynamoDbClient client() {
        return dynamoDb;
    }

    /** The table name. */
    public String name() {
        return table;
    }

    /** The partition key of the head item, which stream records of the head carry. */
    public String headPartition() {
        return prefix + "#head";
    }

    /**
     * Creates the table if it does not exist: on-demand billing, a stream with new and old images,
     * and waits until it is active.
     */
    public void createIfMissing() {
        try {
            dynamoDb.createTable(r -> r.tableName(table)
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName("pk")
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName("sk")
                                    .keyType(KeyType.RANGE)
                                    .build())
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName("pk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName("sk")
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        } catch (ResourceInUseException e) {
            // exists already
        }
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(table));
    }

    /** The key of the head item. */
    public Map<String, AttributeValue> headKey() {
        return Map.of("pk", s(headPartition()), "sk", s("head"));
    }

    /** The key of the item of flag {@code key}. */
    public Map<String, AttributeValue> flagKey(String key) {
        return Map.of("pk", s(prefix + "#flags"), "sk", s(key));
    }

    /** The partition of flag {@code key}'s audit items. */
    public String auditPartition(String key) {
        return prefix + "#audit#" + key;
    }

    /** The head revision: one {@code GetItem}, consistent as configured. */
    public long headRevision() {
        GetItemResponse r = reads.read(() -> dynamoDb.getItem(g ->
                g.tableName(table).key(headKey()).consistentRead(consistentRead).projectionExpression("revision")));
        return revision(r);
    }

    /** The head revision read consistently and without retry, as a write attempt reads it. */
    public long headRevisionConsistent() {
        return revision(dynamoDb.getItem(g -> g.tableName(table).key(headKey()).consistentRead(true)));
    }

    private static long revision(GetItemResponse r) {
        return r.hasItem() && r.item().containsKey("revision")
                ? Long.parseLong(r.item().get("revision").n())
                : 0;
    }

    /** The head revision, then every page of the flags partition. */
    public StoreSnapshot load() {
        long revision = headRevision();
        List<RawFlag> flags = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(prefix + "#flags")))
                    .consistentRead(consistentRead);
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            QueryRequest request = q.build();
            QueryResponse page = reads.read(() -> dynamoDb.query(request));
            for (Map<String, AttributeValue> item : page.items()) {
                RawFlag raw = raw(item);
                if (raw != null) {
                    flags.add(raw);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return new StoreSnapshot(revision, flags);
    }

    /** Flag {@code key}, read consistently; empty when it never existed or was deleted. */
    public Optional<RawFlag> get(String key) {
        GetItemResponse r = reads.read(
                () -> dynamoDb.getItem(g -> g.tableName(table).key(flagKey(key)).consistentRead(true)));
        return r.hasItem() ? Optional.ofNullable(raw(r.item())) : Optional.empty();
    }

    /** The document of a flag item, a rejection for a malformed item, or null for a tombstone. */
    static @Nullable RawFlag raw(Map<String, AttributeValue> item) {
        String key = item.get("sk").s();
        AttributeValue deleted = item.get("deleted");
        if (deleted != null && Boolean.TRUE.equals(deleted.bool())) {
            return null;
        }
        AttributeValue version = item.get("version");
        AttributeValue body = item.get("body");
        long v;
        try {
            v = version == null || version.n() == null ? -1 : Long.parseLong(version.n());
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < 1) {
            return RawFlag.rejected(key, 1, "item has no positive numeric 'version' attribute: " + version);
        }
        if (body == null || body.s() == null) {
            return RawFlag.rejected(key, v, "item 'body' is not a string attribute: " + body);
        }
        return new RawFlag(key, v, body.s());
    }

    /**
     * One page of flag {@code key}'s audit records, newest first, before the revision that
     * {@code pageToken} names (a valid token, or null for the newest).
     */
    public AuditPage history(String key, @Nullable String pageToken, int pageSize) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", s(auditPartition(key)));
        String condition = "pk = :pk";
        if (pageToken != null) {
            condition += " AND sk < :before";
            values.put(":before", s(pageToken));
        }
        String keyCondition = condition;
        QueryResponse page = reads.read(() -> dynamoDb.query(q -> q.tableName(table)
                .keyConditionExpression(keyCondition)
                .expressionAttributeValues(values)
                .scanIndexForward(false)
                .limit(pageSize + 1)
                .consistentRead(true)));
        List<AuditRecord> records = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            records.add(new AuditRecord(
                    key,
                    Long.parseLong(item.get("version").n()),
                    item.get("actor").s(),
                    item.get("reason").s(),
                    item.containsKey("before") ? item.get("before").s() : null,
                    item.containsKey("after") ? item.get("after").s() : null,
                    Instant.ofEpochMilli(Long.parseLong(item.get("at").n())),
                    Long.parseLong(item.get("revision").n())));
        }
        if (records.size() > pageSize) {
            List<AuditRecord> first = records.subList(0, pageSize);
            return new AuditPage(
                    first, String.format("%020d", first.get(pageSize - 1).revision()));
        }
        return new AuditPage(records, null);
    }

    /** A string attribute. */
    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /** A number attribute. */
    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
