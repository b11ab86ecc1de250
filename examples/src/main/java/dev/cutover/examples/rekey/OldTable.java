package dev.cutover.examples.rekey;

import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.DynamoDbScanSource;
import dev.cutover.replication.dynamodb.DynamoDbStreamReader;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The old table: orders keyed by the {@code id} string as it was typed, and the old {@link Orders}
 * implementation on it. Writes are conditional on the version, so a late write can never replace
 * a newer one. Thread-safe.
 */
final class OldTable implements Orders {
    static final String NAME = "orders";
    private static final String NEWER = "attribute_not_exists(id) OR version < :v";

    private final DynamoDbClient dynamoDb;
    /** Writes that put a record in the stream: every save, and each delete of an existing item. */
    private final AtomicLong streamRecords = new AtomicLong();

    private final AtomicLong items = new AtomicLong();

    OldTable(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    /** Creates the table, without a stream yet: the years before the migration. */
    void create() {
        dynamoDb.createTable(r -> r.tableName(NAME)
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(NAME));
    }

    /**
     * Writes one order per id, each at version 1 to 3 (edited before), 25 per batch; returns the
     * version of each id, which the services carry on from.
     */
    Map<String, Long> seed(List<String> ids, Random random, AtomicLong written) {
        Map<String, Long> versions = new HashMap<>();
        List<WriteRequest> batch = new ArrayList<>();
        for (String id : ids) {
            Order order = randomOrder(id, 1 + random.nextInt(3), random);
            versions.put(id, order.version());
            batch.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(order.toItem()).build())
                    .build());
            if (batch.size() == 25 || batch.size() == ids.size() - written.get()) {
                writeBatch(batch);
                written.addAndGet(batch.size());
                batch = new ArrayList<>();
            }
        }
        items.set(ids.size());
        return versions;
    }

    private void writeBatch(List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> left = Map.of(NAME, batch);
        while (!left.isEmpty()) {
            Map<String, List<WriteRequest>> request = left;
            left = dynamoDb.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
        }
    }

    /**
     * Turns the stream on (new and old images: the delete's version comes from the old image) and
     * returns its ARN. From here on every write reaches the stream; the dump is taken after this,
     * so dump and stream overlap instead of leaving a gap, and the versions absorb the overlap.
     */
    String enableStream() {
        dynamoDb.updateTable(u -> u.tableName(NAME)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        return DynamoDbStreamReader.latestStreamArn(dynamoDb, NAME);
    }

    static Order randomOrder(String id, long version, Random random) {
        return new Order(
                id,
                version,
                "customer-" + random.nextInt(500),
                random.nextBoolean() ? "open" : "shipped",
                100 + random.nextInt(100_000));
    }

    @Override
    public Optional<Order> find(String id) {
        Map<String, AttributeValue> item = get(id);
        return item.isEmpty() ? Optional.empty() : Optional.of(Order.fromItem(item));
    }

    @Override
    public void save(Order order) {
        boolean replaced = dynamoDb.putItem(p -> p.tableName(NAME)
                        .item(order.toItem())
                        .conditionExpression(NEWER)
                        .expressionAttributeValues(version(order.version()))
                        .returnValues(ReturnValue.ALL_OLD))
                .hasAttributes();
        streamRecords.incrementAndGet();
        if (!replaced) {
            items.incrementAndGet();
        }
    }

    @Override
    public void delete(String id, long version) {
        boolean existed = dynamoDb.deleteItem(d -> d.tableName(NAME)
                        .key(Map.of("id", AttributeValue.fromS(id)))
                        .conditionExpression(NEWER)
                        .expressionAttributeValues(version(version))
                        .returnValues(ReturnValue.ALL_OLD))
                .hasAttributes();
        if (existed) {
            streamRecords.incrementAndGet();
            items.decrementAndGet();
        }
    }

    /** The row of an old id as the reconciler's re-check reads it: live, or empty. */
    Optional<Change> read(String id) {
        Map<String, AttributeValue> item = get(id);
        return item.isEmpty()
                ? Optional.empty()
                : Optional.of(Change.upsert(id, ItemVersion.attribute("version").of(item), DynamoDbJson.toJson(item)));
    }

    /** The table as a segmented source (parallel scan), keyed by the old id. */
    DynamoDbScanSource scan(int segments) {
        return DynamoDbScanSource.builder(dynamoDb, NAME)
                .key(ItemKey.attribute("id"))
                .version(ItemVersion.attribute("version"))
                .segments(segments)
                .build();
    }

    /** Writes so far that put a record in the stream (the stream was on). */
    long streamRecords() {
        return streamRecords.get();
    }

    /** Items in the table now, as counted by this process. */
    long items() {
        return items.get();
    }

    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    private Map<String, AttributeValue> get(String id) {
        Map<String, AttributeValue> item = dynamoDb.getItem(
                        g -> g.tableName(NAME).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                .item();
        return item == null ? Map.of() : item;
    }

    private static Map<String, AttributeValue> version(long version) {
        return Map.of(":v", AttributeValue.fromN(Long.toString(version)));
    }
}
