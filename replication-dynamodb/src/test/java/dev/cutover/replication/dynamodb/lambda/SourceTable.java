package dev.cutover.replication.dynamodb.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import dev.cutover.replication.dynamodb.DynamoDbScanSource;
import dev.cutover.replication.dynamodb.DynamoDbStreamReader;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * An old table on DynamoDB Local with a stream: orders keyed by a string {@code id}, with a
 * {@code version} every write of a key increments (a delete too, so a re-created order carries on
 * above its deletion's version, as {@link ItemVersion#attribute} needs), and attributes of every
 * DynamoDB type: exact decimals, big integers, binary, the three sets, nested maps and lists.
 * {@link #batches} reads its stream with the SDK's streams client, as Lambda's poller does.
 */
final class SourceTable {
    static final ItemKey KEY = ItemKey.attribute("id");
    static final ItemVersion VERSION = ItemVersion.attribute("version");
    private static final Duration WAIT = Duration.ofSeconds(30);

    final DynamoDbClient dynamoDb = LocalDynamoDb.client();
    final DynamoDbStreamsClient streams = LocalDynamoDb.streams();
    final String name;
    final String streamArn;
    private final Map<String, Long> versions = new HashMap<>();
    /** Writes that put a record in the stream (a delete of a missing item puts none). */
    private int streamRecords;

    SourceTable(String stem, StreamViewType view) {
        this.name = LocalDynamoDb.freshTable(stem);
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
        this.streamArn = DynamoDbStreamReader.latestStreamArn(dynamoDb, name);
    }

    /** Puts {@code id} at its next version, with attributes of every type drawn from {@code random}. */
    void put(String id, Random random) {
        long version = versions.merge(id, 1L, Long::sum);
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("id", AttributeValue.fromS(id));
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        item.put("total", AttributeValue.fromN(random.nextInt(1_000_000) + "12345678901." + (10 + random.nextInt(89))));
        item.put("huge", AttributeValue.fromN("9" + "0".repeat(20 + random.nextInt(10))));
        item.put("tiny", AttributeValue.fromN("-0.000000000000000000" + (1 + random.nextInt(9))));
        byte[] photo = new byte[1 + random.nextInt(40)];
        random.nextBytes(photo);
        item.put("photo", AttributeValue.fromB(SdkBytes.fromByteArray(photo)));
        item.put("tags", AttributeValue.fromSs(List.of("tag-" + random.nextInt(5), "x\u00e9\uD83D\uDE00")));
        item.put("scores", AttributeValue.fromNs(List.of("1.50", "-7", "1E+3").subList(0, 1 + random.nextInt(3))));
        item.put(
                "blobs",
                AttributeValue.fromBs(List.of(
                        SdkBytes.fromByteArray(new byte[] {0, (byte) random.nextInt(256)}),
                        SdkBytes.fromByteArray(new byte[] {-1}))));
        item.put(
                "address",
                AttributeValue.fromM(Map.of(
                        "street", AttributeValue.fromS("Main St " + random.nextInt(100)),
                        "geo",
                                AttributeValue.fromL(
                                        List.of(AttributeValue.fromN("52.5200066"), AttributeValue.fromN("13.404954"))),
                        "lines",
                                AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                                        "sku", AttributeValue.fromS("sku-" + random.nextInt(50)),
                                        "qty", AttributeValue.fromN("" + random.nextInt(5)),
                                        "gift", AttributeValue.fromBool(random.nextBoolean()),
                                        "note", AttributeValue.fromNul(true))))))));
        putRaw(item);
    }

    /** Puts {@code item} as it is: for items the mapping refuses. */
    void putRaw(Map<String, AttributeValue> item) {
        dynamoDb.putItem(p -> p.tableName(name).item(item));
        streamRecords++;
    }

    /** Deletes {@code id}; its deletion takes the next version (the old image's plus one). */
    void delete(String id) {
        versions.merge(id, 1L, Long::sum);
        boolean existed = dynamoDb.deleteItem(d -> d.tableName(name)
                        .key(Map.of("id", AttributeValue.fromS(id)))
                        .returnValues(ReturnValue.ALL_OLD))
                .hasAttributes();
        if (existed) {
            streamRecords++;
        }
    }

    /** Puts or deletes one of {@code keys} ids, a delete one time in four. */
    void randomWrite(Random random, int keys) {
        String id = "order-" + random.nextInt(keys);
        if (random.nextInt(4) == 0) {
            delete(id);
        } else {
            put(id, random);
        }
    }

    /** A scan source of this table, for a reconciliation. */
    DynamoDbScanSource scan() {
        return DynamoDbScanSource.builder(dynamoDb, name)
                .key(KEY)
                .version(VERSION)
                .segments(2)
                .build();
    }

    /**
     * Every record of the stream, as Lambda batches of at most {@code batchSize} records: one
     * shard's records in their order, shards in the order the stream lists them (parents first).
     * Waits until the stream holds a record of every write.
     */
    List<List<DynamodbStreamRecord>> batches(int batchSize) {
        List<List<Record>> shards = new ArrayList<>();
        Eventually.within(WAIT, "a stream record of each of " + streamRecords + " writes", () -> {
            shards.clear();
            shards.addAll(readShards());
            return shards.stream().mapToInt(List::size).sum() == streamRecords;
        });
        List<List<DynamodbStreamRecord>> batches = new ArrayList<>();
        for (List<Record> shard : shards) {
            List<DynamodbStreamRecord> records = LambdaEvents.records(shard, streamArn);
            for (int from = 0; from < records.size(); from += batchSize) {
                batches.add(records.subList(from, Math.min(records.size(), from + batchSize)));
            }
        }
        return batches;
    }

    /** Every batch's records, in order: the whole stream. */
    List<DynamodbStreamRecord> records() {
        return batches(Integer.MAX_VALUE).stream().flatMap(List::stream).toList();
    }

    private List<List<Record>> readShards() {
        List<Shard> shards = new ArrayList<>();
        String from = null;
        do {
            String start = from;
            var page = streams.describeStream(d -> d.streamArn(streamArn).exclusiveStartShardId(start))
                    .streamDescription();
            shards.addAll(page.shards());
            from = page.lastEvaluatedShardId();
        } while (from != null);
        List<List<Record>> out = new ArrayList<>();
        for (Shard shard : shards) {
            List<Record> records = new ArrayList<>();
            String iterator = streams.getShardIterator(g -> g.streamArn(streamArn)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            while (iterator != null) {
                String at = iterator;
                GetRecordsResponse page = streams.getRecords(g -> g.shardIterator(at));
                records.addAll(page.records());
                iterator = page.records().isEmpty() ? null : page.nextShardIterator();
            }
            out.add(records);
        }
        return out;
    }
}
