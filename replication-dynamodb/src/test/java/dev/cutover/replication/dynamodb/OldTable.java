package dev.cutover.replication.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * An old table as the second seed story has it: items keyed by a dirty string {@code id} (a
 * trailing space the new key drops), a {@code version} every write increments and a re-created
 * item carries on, and a stream. Writes are random puts and deletes.
 */
final class OldTable {
    final DynamoDbClient dynamoDb = LocalDynamoDb.client();
    final String name;
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    /** Writes that put a record in the stream (a delete of a missing item puts none). */
    final AtomicInteger streamRecords = new AtomicInteger();

    OldTable(String name, StreamViewType view) {
        this.name = name;
        dynamoDb.createTable(r -> r.tableName(name)
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(view)));
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(name));
    }

    static String dirty(int n) {
        return "order-" + n + " ";
    }

    /** The key the new store uses for an old item: the dirty id, stripped. */
    static final ItemKey KEY = item -> ItemKey.attribute("id").of(item).strip();

    /** Puts or deletes one random key of {@code keys}, a delete one time in four. */
    void randomWrite(Random random, int keys) {
        String id = dirty(random.nextInt(keys));
        long version = versions.merge(id, 1L, Long::sum);
        if (random.nextInt(4) == 0) {
            boolean existed = dynamoDb.deleteItem(d -> d.tableName(name)
                            .key(Map.of("id", AttributeValue.fromS(id)))
                            .returnValues(ReturnValue.ALL_OLD))
                    .hasAttributes();
            if (existed) {
                streamRecords.incrementAndGet();
            }
            // the stream gives the delete the old image's version + 1, which is this counter now, so the
            // next put of the key carries on above it, as the versioned apply needs
        } else {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("id", AttributeValue.fromS(id));
            item.put("version", AttributeValue.fromN(Long.toString(version)));
            item.put("status", AttributeValue.fromS(random.nextBoolean() ? "open" : "shipped"));
            item.put("total", AttributeValue.fromN(random.nextInt(10_000) + "." + random.nextInt(100)));
            item.put(
                    "lines",
                    AttributeValue.fromL(java.util.List.of(AttributeValue.fromM(Map.of(
                            "sku",
                            AttributeValue.fromS("sku-" + random.nextInt(50)),
                            "qty",
                            AttributeValue.fromN("" + random.nextInt(5)))))));
            dynamoDb.putItem(p -> p.tableName(name).item(item));
            streamRecords.incrementAndGet();
        }
    }

    /** Every item, keyed the new way, as JSON. */
    Map<String, JsonNode> state() {
        Map<String, JsonNode> out = new HashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page =
                    dynamoDb.scan(s -> s.tableName(name).consistentRead(true).exclusiveStartKey(from));
            page.items().forEach(item -> out.put(KEY.of(item), DynamoDbJson.toJson(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /** Every live entity of a target, by key, as its payload. */
    static Map<String, JsonNode> state(VersionedTarget target) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (int segment = 0; segment < target.segments(); segment++) {
            String token = null;
            do {
                Page page = target.readPage(segment, token, 100);
                page.rows().stream().filter(c -> !c.isDelete()).forEach(c -> out.put(c.key(), c.payload()));
                token = page.next();
            } while (token != null);
        }
        return out;
    }
}
