package dev.cutover.replication.dynamodb.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import dev.cutover.replication.Change;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.testsupport.InterceptedDynamoDb;
import dev.cutover.testsupport.LocalDynamoDb;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The handler fed, batch by batch, the records of a real stream of DynamoDB Local (written to a
 * source table, read with the SDK's streams client, turned into Lambda events as Lambda's poller
 * would), into a versioned target on DynamoDB Local; a reconciliation proves the target equal to
 * the source. A target failing part-way gets the first failed record reported, and the redelivery
 * Lambda then makes converges.
 */
class DynamoDbStreamsHandlerTest {

    /** The function as a user writes it: Lambda builds it with its no-argument constructor. */
    public static final class OrdersSync extends DynamoDbStreamsHandler {
        static volatile String table = "";

        public OrdersSync() {
            super(DynamoDbStreamsHandler.builder(DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), table)
                            .build())
                    .key(ItemKey.attribute("id"))
                    .version(ItemVersion.attribute("version")));
        }
    }

    private static String newTable() {
        String table = LocalDynamoDb.freshTable("orders-v2");
        DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), table).build().createTableIfMissing();
        return table;
    }

    private static DynamoDbVersionedTarget target(DynamoDbClient client, String table) {
        return DynamoDbVersionedTarget.builder(client, table).segments(2).build();
    }

    private static DynamoDbStreamsHandler handler(DynamoDbVersionedTarget target) {
        return DynamoDbStreamsHandler.builder(target)
                .key(SourceTable.KEY)
                .version(SourceTable.VERSION)
                .name("orders-to-v2")
                .build();
    }

    /** Every live item of the source in the target, with the same content (a reconciliation) and version. */
    static void assertMirrors(SourceTable source, DynamoDbVersionedTarget target) throws Exception {
        ReconciliationReport report = Reconciler.between(source.scan(), target)
                .recheckAfter(Duration.ZERO)
                .run();
        assertThat(report.clean()).as(report.summary()).isTrue();
        assertThat(report.counts().oldRows()).isPositive();
        Map<String, Long> versions = new HashMap<>();
        for (int segment = 0; segment < source.scan().segments(); segment++) {
            String token = null;
            do {
                Page page = source.scan().readPage(segment, token, 100);
                page.rows().forEach(row -> versions.put(row.key(), row.version()));
                token = page.next();
            } while (token != null);
        }
        for (Map.Entry<String, Long> e : versions.entrySet()) {
            assertThat(target.read(e.getKey()).map(Change::version)).hasValue(e.getValue());
        }
    }

    @Test
    void aTableReplicatesFromItsStreamRecordsThroughTheHandlerLambdaBuilds() throws Exception {
        SourceTable source = new SourceTable("orders", StreamViewType.NEW_AND_OLD_IMAGES);
        Random random = new Random(17);
        for (int i = 0; i < 160; i++) {
            source.randomWrite(random, 25);
        }
        OrdersSync.table = newTable();
        DynamoDbStreamsHandler handler =
                OrdersSync.class.getDeclaredConstructor().newInstance();
        List<List<DynamodbStreamRecord>> batches = source.batches(40);
        int records = batches.stream().mapToInt(List::size).sum();
        for (List<DynamodbStreamRecord> batch : batches) {
            assertThat(LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(batch), null)))
                    .isNull();
        }
        try (DynamoDbVersionedTarget target = target(LocalDynamoDb.client(), OrdersSync.table)) {
            assertMirrors(source, target);
            StreamsHandlerCounts first = handler.counts();
            assertThat(first.records()).isEqualTo(records);
            assertThat(first.applied() + first.duplicate() + first.superseded()).isEqualTo(records);
            assertThat(first.applied()).isPositive();
            assertThat(first.refused() + first.failed()).isZero();

            // Lambda delivers a whole stretch again (at least once): nothing is written twice
            for (List<DynamodbStreamRecord> batch : batches) {
                assertThat(LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(batch), null)))
                        .isNull();
            }
            StreamsHandlerCounts again = handler.counts();
            assertThat(again.applied()).isEqualTo(first.applied());
            assertThat(again.duplicate() + again.superseded() - first.duplicate() - first.superseded())
                    .isEqualTo(records);
            assertMirrors(source, target);
        }
    }

    @Test
    void aTargetFailingOnOneRecordGetsExactlyThatRecordReportedAndTheRedeliveryConverges() throws Exception {
        SourceTable source = new SourceTable("orders", StreamViewType.NEW_AND_OLD_IMAGES);
        Random random = new Random(23);
        for (int i = 0; i < 20; i++) {
            source.put("order-" + i, random);
        }
        List<DynamodbStreamRecord> batch = source.records();
        assertThat(batch).hasSize(20);
        int k = 11;
        String failing = batch.get(k).getDynamodb().getKeys().get("id").getS();
        InterceptedDynamoDb dynamo = new InterceptedDynamoDb(LocalDynamoDb.client());
        AtomicInteger refusedPuts = new AtomicInteger();
        dynamo.before("putItem", args -> {
            if (((PutItemRequest) args[0]).item().get("pk").s().equals(failing)) {
                refusedPuts.incrementAndGet();
                throw internalError();
            }
            return true;
        });
        try (DynamoDbVersionedTarget target = target(dynamo.client, newTable())) {
            DynamoDbStreamsHandler handler = handler(target);

            String reported = LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(batch), null));

            assertThat(reported).isEqualTo(batch.get(k).getDynamodb().getSequenceNumber());
            assertThat(refusedPuts.get()).as("once in the batch, once alone").isEqualTo(2);
            assertThat(target.read(failing)).isEmpty();
            StreamsHandlerCounts failed = handler.counts();
            assertThat(failed.failed()).isEqualTo(1);
            assertThat(failed.duplicate())
                    .as("the records before it, landed in the batch and confirmed one at a time")
                    .isEqualTo(k);
            assertThat(failed.applied() + failed.superseded()).isZero();

            dynamo.clear();
            List<DynamodbStreamRecord> redelivered = LambdaEvents.from(batch, reported);
            assertThat(LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(redelivered), null)))
                    .isNull();
            StreamsHandlerCounts after = handler.counts();
            assertThat(after.applied()).as("only the failed record was missing").isEqualTo(1);
            assertThat(after.duplicate() - failed.duplicate())
                    .as("the records after it had landed in the failed batch")
                    .isEqualTo(batch.size() - k - 1);
            assertMirrors(source, target);
        }
    }

    @Test
    void anOutageFromTheKthWriteGetsTheFirstUnconfirmedRecordReportedAndTheRedeliveryConverges() throws Exception {
        SourceTable source = new SourceTable("orders", StreamViewType.NEW_AND_OLD_IMAGES);
        Random random = new Random(29);
        for (int i = 0; i < 16; i++) {
            source.put("order-" + i, random);
        }
        List<DynamodbStreamRecord> batch = source.records();
        int k = 6;
        InterceptedDynamoDb dynamo = new InterceptedDynamoDb(LocalDynamoDb.client());
        AtomicInteger puts = new AtomicInteger();
        dynamo.before("putItem", args -> {
            if (puts.incrementAndGet() >= k) {
                throw internalError(); // the table is gone from the k-th write on, until cleared
            }
            return true;
        });
        try (DynamoDbVersionedTarget target = target(dynamo.client, newTable())) {
            DynamoDbStreamsHandler handler = handler(target);

            String reported = LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(batch), null));

            // k - 1 changes landed in the parallel batch, which cannot say which; alone, the first fails
            assertThat(reported).isEqualTo(batch.get(0).getDynamodb().getSequenceNumber());
            dynamo.clear();
            assertThat(LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(batch), null)))
                    .isNull();
            StreamsHandlerCounts counts = handler.counts();
            assertThat(counts.duplicate()).isEqualTo(k - 1);
            assertThat(counts.applied()).isEqualTo(batch.size() - (k - 1));
            assertThat(counts.failed()).isEqualTo(1);
            assertMirrors(source, target);
        }
    }

    @Test
    void aStreamWithoutTheImagesTheVersionNeedsFailsTheBatchWholeAndAppliesNothing() throws Exception {
        SourceTable source = new SourceTable("orders-new-images", StreamViewType.NEW_IMAGE);
        source.put("order-1", new Random(1));
        source.delete("order-1");
        try (DynamoDbVersionedTarget target = target(LocalDynamoDb.client(), newTable())) {
            DynamoDbStreamsHandler handler = handler(target);
            List<DynamodbStreamRecord> batch = source.records();

            assertThatThrownBy(() -> handler.handleRequest(LambdaEvents.event(batch), null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("NEW_IMAGE")
                    .hasMessageContaining("NEW_AND_OLD_IMAGES");
            assertThat(target.read("order-1")).isEmpty();
        }
    }

    @Test
    void anEmptyOrMissingBatchReportsNothing() throws Exception {
        try (DynamoDbVersionedTarget target = target(LocalDynamoDb.client(), newTable())) {
            DynamoDbStreamsHandler handler = handler(target);
            assertThat(LambdaEvents.failed(handler.handleRequest(null, null))).isNull();
            assertThat(LambdaEvents.failed(handler.handleRequest(LambdaEvents.event(List.of()), null)))
                    .isNull();
            assertThat(handler.counts().invocations()).isEqualTo(2);
        }
    }

    @Test
    void theBuilderNamesWhatIsMissingOrWrong() throws Exception {
        try (DynamoDbVersionedTarget target = target(LocalDynamoDb.client(), newTable())) {
            assertThatThrownBy(() -> DynamoDbStreamsHandler.builder(target).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("key(...) and version(...)");
            assertThatThrownBy(() -> DynamoDbStreamsHandler.builder(target)
                            .key(SourceTable.KEY)
                            .build())
                    .hasMessageContaining("version(...)")
                    .hasMessageNotContaining("key(...)");
            assertThatThrownBy(() -> DynamoDbStreamsHandler.builder(target).name(" "))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("but was ' '");
            assertThatThrownBy(() -> DynamoDbStreamsHandler.builder(target).name("n".repeat(201)))
                    .hasMessageContaining("1 to 200 characters");
        }
    }

    @Test
    void theMetricsPublishTheCounts() throws Exception {
        SourceTable source = new SourceTable("orders", StreamViewType.NEW_AND_OLD_IMAGES);
        Random random = new Random(31);
        for (int i = 0; i < 12; i++) {
            source.randomWrite(random, 4);
        }
        source.putRaw(Map.of("id", AttributeValue.fromS("no-version")));
        try (DynamoDbVersionedTarget target = target(LocalDynamoDb.client(), newTable())) {
            DynamoDbStreamsHandler handler = handler(target);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            StreamsHandlerMetrics.of(handler, Tags.of("migration", "orders")).bindTo(registry);
            List<DynamodbStreamRecord> batch = source.records();
            handler.handleRequest(LambdaEvents.event(batch), null);
            handler.handleRequest(LambdaEvents.event(batch), null);

            StreamsHandlerCounts counts = handler.counts();
            String prefix = "cutover.replication.dynamodb.lambda.";
            Tags tags = Tags.of("source", "orders-to-v2", "migration", "orders");
            assertThat(registry.get(prefix + "records")
                            .tags(tags)
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0 * batch.size());
            assertThat(counts.refused()).isEqualTo(2);
            Map<String, Long> byOutcome = Map.of(
                    "applied", counts.applied(), "duplicate", counts.duplicate(), "superseded", counts.superseded());
            byOutcome.forEach((outcome, count) -> assertThat(registry.get(prefix + "changes")
                            .tags(tags.and("outcome", outcome))
                            .functionCounter()
                            .count())
                    .isEqualTo(count.doubleValue()));
            assertThat(counts.duplicate()).as("the second delivery").isPositive();
            assertThat(registry.get(prefix + "refused")
                            .tags(tags)
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(registry.get(prefix + "failed")
                            .tags(tags)
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(Optional.ofNullable(target.read("no-version").orElse(null)))
                    .isEmpty();
        }
    }

    /** What DynamoDB answers when a request fails on its side. */
    static RuntimeException internalError() {
        return InternalServerErrorException.builder()
                .message("internal server error (injected)")
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("InternalServerError")
                        .build())
                .statusCode(500)
                .build();
    }
}
