package dev.cutover.replication.dynamodb;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.replication.Change;
import dev.cutover.testsupport.LocalDynamoDb;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The old table of the second seed story: orders keyed by an {@code id} string as operators typed
 * and pasted it (invisible characters, stray whitespace, compatibility forms), with a {@code
 * version} every write of an id increments (a delete too, so a re-created id carries on above the
 * delete's version, {@code ItemVersion.attribute}'s rule), and a stream with new and old images.
 * It dumps itself as the S3 export does: one {@code {"Item": {...}}} of typed DynamoDB JSON per line.
 * Thread-safe.
 */
final class DirtyOldTable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final DynamoDbClient dynamoDb = LocalDynamoDb.client();
    final String name;
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    /** Writes that put a record in the stream (a delete of a missing item puts none). */
    final AtomicInteger streamRecords = new AtomicInteger();

    DirtyOldTable(String name) {
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
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(name));
    }

    /** Creates or replaces the order {@code id} with random content: strings, decimals, a list of maps, a boolean, a null. */
    void put(String id, Random random) {
        long version = versions.merge(id, 1L, Long::sum);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(id));
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        item.put("status", AttributeValue.fromS(random.nextBoolean() ? "open" : "shipped"));
        item.put("total", AttributeValue.fromN(random.nextInt(10_000) + "." + (10 + random.nextInt(9)) + "0"));
        item.put("gift", AttributeValue.fromBool(random.nextBoolean()));
        item.put(
                "note",
                random.nextBoolean() ? AttributeValue.fromNul(true) : AttributeValue.fromS("leave at the door"));
        item.put(
                "lines",
                AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                        "sku", AttributeValue.fromS("sku-" + random.nextInt(50)),
                        "qty", AttributeValue.fromN(Integer.toString(1 + random.nextInt(5))))))));
        dynamoDb.putItem(p -> p.tableName(name).item(item));
        streamRecords.incrementAndGet();
    }

    /** Deletes the order {@code id}, if it exists. */
    void delete(String id) {
        versions.merge(id, 1L, Long::sum); // the stream gives the delete the old image's version + 1: this one
        boolean existed = dynamoDb.deleteItem(d -> d.tableName(name)
                        .key(Map.of("id", AttributeValue.fromS(id)))
                        .returnValues(ReturnValue.ALL_OLD))
                .hasAttributes();
        if (existed) {
            streamRecords.incrementAndGet();
        }
    }

    /** The item {@code id} as the scan source reads it (consistently), or empty: a repair's authority. */
    Optional<Change> read(String id) {
        Map<String, AttributeValue> item = dynamoDb.getItem(
                        g -> g.tableName(name).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                .item();
        return item == null || item.isEmpty()
                ? Optional.empty()
                : Optional.of(Change.upsert(id, ItemVersion.attribute("version").of(item), DynamoDbJson.toJson(item)));
    }

    /** Writes every item to {@code file} as the S3 export does; returns how many. */
    int dump(Path file) throws IOException {
        int items = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamoDb.scan(
                        s -> s.tableName(name).consistentRead(true).limit(7).exclusiveStartKey(from));
                for (Map<String, AttributeValue> item : page.items()) {
                    out.write(MAPPER.writeValueAsString(DynamoDbJson.toExportLine(item)));
                    out.write('\n');
                    items++;
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
        }
        return items;
    }
}
