package dev.cutover.benchmarks.replication;

import static dev.cutover.benchmarks.replication.Rounds.rate;
import static dev.cutover.benchmarks.replication.Rounds.round;
import static dev.cutover.benchmarks.replication.Rounds.seconds;
import static dev.cutover.benchmarks.replication.Rounds.unchecked;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Count;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Result;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Series;
import dev.cutover.benchmarks.replication.ReplicationThroughput.Settings;
import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.lang3.concurrent.BasicThreadFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * (4) On DynamoDB Local, in-process: the conditional {@code PutItem}s of {@link
 * DynamoDbVersionedTarget} against unconditional puts of the same items, with the same number in
 * flight.
 */
final class DynamoDbMeasurement {

    private DynamoDbMeasurement() {}

    /** (4) The target's conditional puts against unconditional puts of the same items, same parallelism. */
    static Result run(Settings s, Rows rows, Map<Count, Long> counts, PrintStream log) throws Exception {
        long t0 = System.nanoTime();
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create(true);
        ExecutorService writers = Executors.newFixedThreadPool(
                s.dynamoInFlight(),
                new BasicThreadFactory.Builder()
                        .namingPattern("plain-put")
                        .daemon(true)
                        .build());
        try {
            DynamoDbClient client = local.dynamoDbClient();
            log.printf(Locale.ROOT, "DynamoDB Local started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            int total = s.warmupRounds() + s.rounds();
            double[] conditional = new double[s.rounds()];
            double[] plain = new double[s.rounds()];
            for (int r = 0; r < total; r++) {
                int round = r;
                double[] t = new double[2];
                Runnable versioned = unchecked(() -> {
                    String table = "rt-versioned-" + round;
                    createTable(client, table);
                    try (DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(client, table)
                            .maxInFlight(s.dynamoInFlight())
                            .build()) {
                        long applied = 0;
                        long start = System.nanoTime();
                        for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
                            for (ApplyOutcome o : target.apply(
                                    rows.v1.subList(from, Math.min(rows.v1.size(), from + s.batchSize())))) {
                                applied += o == ApplyOutcome.APPLIED ? 1 : 0;
                            }
                        }
                        t[0] = seconds(start);
                        Rounds.check(counts, Count.DYNAMO_APPLIED, applied, s.dynamoItems());
                    }
                    client.deleteTable(d -> d.tableName(table));
                });
                Runnable unconditional = unchecked(() -> {
                    String table = "rt-plain-" + round;
                    createTable(client, table);
                    long start = System.nanoTime();
                    for (int from = 0; from < rows.v1.size(); from += s.batchSize()) {
                        putAll(
                                client,
                                table,
                                rows.v1.subList(from, Math.min(rows.v1.size(), from + s.batchSize())),
                                writers);
                    }
                    t[1] = seconds(start);
                    Rounds.check(counts, Count.DYNAMO_PUT_ITEMS, itemCount(client, table), s.dynamoItems());
                    client.deleteTable(d -> d.tableName(table));
                });
                if (r % 2 == 0) {
                    unconditional.run();
                    versioned.run();
                } else {
                    versioned.run();
                    unconditional.run();
                }
                log.printf(
                        Locale.ROOT,
                        "dynamodb %s: unconditional PutItem %s, conditional apply %s (items)%n",
                        round(r),
                        rate(s.dynamoItems(), t[1]),
                        rate(s.dynamoItems(), t[0]));
                if (r >= s.warmupRounds()) {
                    conditional[r - s.warmupRounds()] = t[0];
                    plain[r - s.warmupRounds()] = t[1];
                }
            }
            return new Result(
                    "DynamoDB Local: conditional apply vs unconditional PutItem",
                    "items",
                    new Series("DynamoDbVersionedTarget.apply", s.dynamoItems(), conditional),
                    new Series("unconditional PutItem", s.dynamoItems(), plain),
                    Double.NaN);
        } finally {
            writers.shutdownNow();
            local.shutdown();
        }
    }

    /** One unconditional put per change, the same item the target writes, all in flight on {@code writers}. */
    private static void putAll(DynamoDbClient client, String table, List<Change> batch, ExecutorService writers)
            throws InterruptedException, ExecutionException {
        long now = System.currentTimeMillis();
        List<Future<?>> calls = new ArrayList<>(batch.size());
        for (Change ch : batch) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(ch.key()));
            item.put("version", AttributeValue.fromN(Long.toString(ch.version())));
            item.put("deleted", AttributeValue.fromBool(false));
            item.put("appliedAt", AttributeValue.fromN(Long.toString(now)));
            item.put("payload", DynamoDbJson.toAttribute(ch.payload()));
            PutItemRequest put =
                    PutItemRequest.builder().tableName(table).item(item).build();
            calls.add(writers.submit(() -> client.putItem(put)));
        }
        for (Future<?> f : calls) {
            f.get();
        }
    }

    /**
     * The target's table layout (a string partition key {@code pk}, on-demand) without the stream
     * {@code createTableIfMissing} enables: DynamoDB Local (2.6.1) reads its stream's description on
     * every write, at a cost that grows with the stream records written, so with a stream each put
     * gets slower as the table fills and a run measures DynamoDB Local's stream bookkeeping, not the
     * writes. Both systems write into tables created here.
     */
    static void createTable(DynamoDbClient client, String table) {
        client.createTable(CreateTableRequest.builder()
                .tableName(table)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("pk")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName("pk")
                        .keyType(KeyType.HASH)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build());
        client.waiter().waitUntilTableExists(r -> r.tableName(table));
    }

    private static long itemCount(DynamoDbClient client, String table) {
        long n = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = client.scan(ScanRequest.builder()
                    .tableName(table)
                    .select(Select.COUNT)
                    .exclusiveStartKey(from)
                    .build());
            n += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return n;
    }
}
