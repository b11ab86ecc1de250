package dev.cutover.replication.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.testsupport.InterceptedDynamoDb;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** The DynamoDB target's own behaviour beyond the contract: limits, throttling, outcomes, purge races, tokens. */
class DynamoDbVersionedTargetTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String TABLE = "target-test";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static {
        DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
    }

    private static DynamoDbVersionedTarget target(InterceptedDynamoDb client) {
        return DynamoDbVersionedTarget.builder(client.client, TABLE)
                .keyPrefix("t" + PREFIXES.incrementAndGet() + "/")
                .throttleRetry(4, Duration.ofMillis(1))
                .build();
    }

    private static ObjectNode doc(String name) {
        ObjectNode o = JSON.objectNode();
        o.put("name", name);
        return o;
    }

    @Test
    void badKeysAndPayloadsAreRejectedBeforeAnyCallNamingTheKey() {
        InterceptedDynamoDb client = new InterceptedDynamoDb(LocalDynamoDb.client());
        try (DynamoDbVersionedTarget target = target(client)) {
            String wide = "€".repeat(700); // 700 characters, 2100 bytes in UTF-8
            Change good = Change.upsert("fine", 1, doc("a"));
            assertThatThrownBy(() -> target.apply(List.of(good, Change.upsert(wide, 1, doc("b")))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(wide.substring(0, 50))
                    .hasMessageContaining("2048");
            ObjectNode nan = doc("c");
            nan.put("score", Double.NaN);
            assertThatThrownBy(() -> target.apply(List.of(good, Change.upsert("nan-key", 1, nan))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nan-key")
                    .hasMessageContaining("$.score");
            ObjectNode huge = doc("x".repeat(410 * 1024));
            assertThatThrownBy(() -> target.apply(List.of(Change.upsert("huge-key", 1, huge))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("huge-key")
                    .hasMessageContaining("400");
            ObjectNode deep = JSON.objectNode();
            ObjectNode level = deep;
            for (int i = 0; i < 40; i++) {
                level = level.putObject("n");
            }
            assertThatThrownBy(() -> target.apply(List.of(Change.upsert("deep-key", 1, deep))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("deep-key")
                    .hasMessageContaining("32");
            assertThat(client.totalCalls()).as("calls made").isZero();
        }
    }

    @Test
    void outcomesComeFromTheFailedConditionWithoutAnotherRead() throws Exception {
        InterceptedDynamoDb client = new InterceptedDynamoDb(LocalDynamoDb.client());
        try (DynamoDbVersionedTarget target = target(client)) {
            assertThat(target.apply(List.of(Change.upsert("k", 5, doc("five")))))
                    .containsExactly(ApplyOutcome.APPLIED);
            assertThat(target.apply(List.of(
                            Change.upsert("k", 5, doc("five")),
                            Change.upsert("k", 3, doc("three")),
                            Change.delete("k", 4))))
                    .containsExactly(ApplyOutcome.DUPLICATE, ApplyOutcome.SUPERSEDED, ApplyOutcome.SUPERSEDED);
            assertThat(client.calls("getItem")).as("reads to classify").isZero();
            assertThat(target.fallbackReads()).isZero();
        }
    }

    @Test
    void payloadsKeepEveryTypeAndTheTableIsQueryableNatively() throws Exception {
        try (DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE)
                .keyPrefix("native/")
                .build()) {
            ObjectNode o = JSON.objectNode();
            o.put("text", "é ü \u0000 ok")
                    .put("count", 42L)
                    .put("big", new java.math.BigInteger("123456789012345678901234567890"))
                    .put("ratio", 0.1)
                    .put("exact", new java.math.BigDecimal("1.10000000000000000000000000000000001"))
                    .put("yes", true)
                    .putNull("nothing")
                    .put("empty", "");
            o.putArray("list").add(1L).add("two").addObject().put("three", 3L);
            o.putObject("nested").putArray("empty");
            o.put("bytes", new byte[] {1, 2, 3});
            target.apply(List.of(Change.upsert("doc", 1, o)));
            JsonNode back = target.read("doc").orElseThrow().payload();
            // a fraction comes back as the exact BigDecimal of its decimal text, never a double
            assertThat(back).isEqualTo(o.deepCopy().put("ratio", new java.math.BigDecimal("0.1")));
            assertThat(back.get("ratio").isBigDecimal()).isTrue();
            Map<String, AttributeValue> item = LocalDynamoDb.client()
                    .getItem(g -> g.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("native/doc"))))
                    .item();
            assertThat(item.get("payload").m().get("count").n()).isEqualTo("42");
            assertThat(item.get("payload").m().get("list").l()).hasSize(3);
            assertThat(item.get("deleted").bool()).isFalse();
        }
    }

    @Test
    void throttledWritesAreRetriedAndCountedUntilTheAttemptsRunOut() throws Exception {
        InterceptedDynamoDb client = new InterceptedDynamoDb(LocalDynamoDb.client());
        try (DynamoDbVersionedTarget target = target(client)) {
            client.throttle("putItem", 3);
            assertThat(target.apply(List.of(Change.upsert("slow", 1, doc("a")))))
                    .containsExactly(ApplyOutcome.APPLIED);
            assertThat(target.throttling().throttled()).isEqualTo(3);
            client.throttle("putItem", 4);
            assertThatThrownBy(() -> target.apply(List.of(Change.upsert("slow", 2, doc("b")))))
                    .isInstanceOf(DynamoDbReplicationException.class)
                    .hasMessageContaining("slow");
            assertThat(target.throttling().exhausted()).isEqualTo(1);
            assertThat(target.read("slow").orElseThrow().version()).isEqualTo(1);
        }
    }

    @Test
    void aTombstoneWrittenAgainDuringThePurgeIsKept() throws Exception {
        InterceptedDynamoDb client = new InterceptedDynamoDb(LocalDynamoDb.client());
        try (DynamoDbVersionedTarget target = target(client)) {
            target.apply(List.of(Change.delete("racy", 3), Change.delete("old", 2)));
            // between the purge's scan and its delete of 'racy', a newer upsert lands
            client.before("deleteItem", args -> {
                Object request = args[0];
                if (request.toString().contains("racy")) {
                    try {
                        target.apply(List.of(Change.upsert("racy", 4, doc("back"))));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return false;
                }
                return true;
            });
            assertThat(target.purgeTombstones(Instant.now().plusSeconds(60))).isEqualTo(1);
            assertThat(target.read("racy").orElseThrow().version()).isEqualTo(4);
            assertThat(target.read("old")).isEmpty();
        }
    }

    @Test
    void tokensAreCheckedAndNamed() throws Exception {
        try (DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE)
                .keyPrefix("tokens/")
                .segments(2)
                .build()) {
            for (int i = 0; i < 20; i++) {
                target.apply(List.of(Change.upsert("k" + i, 1, doc("n"))));
            }
            String token = target.readPage(1, null, 1).next();
            assertThat(token).isNotNull();
            assertThatThrownBy(() -> target.readPage(0, token, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("segment 1")
                    .hasMessageContaining("segment 0");
            assertThatThrownBy(() -> target.readPage(0, "not-a-token", 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not-a-token");
            assertThat(target.readPage(1, token, 100).rows()).isNotEmpty();
        }
    }

    @Test
    void theLayoutIsTheParallelScanOfTheSegmentCount() {
        try (DynamoDbVersionedTarget two = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE)
                        .segments(2)
                        .build();
                DynamoDbVersionedTarget five = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE)
                        .segments(5)
                        .build()) {
            assertThat(two.layout()).isEqualTo("dynamodb parallel scan, 2 segments");
            assertThat(five.layout()).isEqualTo("dynamodb parallel scan, 5 segments");
        }
    }

    @Test
    void settingsAreCheckedNamingTheBadValue() {
        var b = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), TABLE);
        assertThatThrownBy(() -> b.segments(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.maxInFlight(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.partitionKey("version")).hasMessageContaining("'version'");
        assertThatThrownBy(() -> b.throttleRetry(0, Duration.ofMillis(1))).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), "x"))
                .hasMessageContaining("'x'");
    }

    @Test
    void createdTablesAreOnDemandWithNewAndOldImages() {
        String table = LocalDynamoDb.freshTable("created");
        DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), table)
                .partitionKey("id")
                .build();
        target.createTableIfMissing();
        target.createTableIfMissing();
        var description =
                LocalDynamoDb.client().describeTable(d -> d.tableName(table)).table();
        assertThat(description.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
        assertThat(description.keySchema().get(0).attributeName()).isEqualTo("id");
        target.close();
    }
}
