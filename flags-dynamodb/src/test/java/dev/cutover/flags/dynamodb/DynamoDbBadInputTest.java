package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Reason;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testsupport.LocalDynamoDb;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Malformed items and bad arguments, on DynamoDB Local. */
class DynamoDbBadInputTest {
    private static final String TABLE = "cutover-bad-input";
    private static final DynamoDbClient DDB = LocalDynamoDb.client();
    private static final AuditInfo AUDIT = new AuditInfo("alice", "test");

    static {
        DynamoDbFlagStore.builder(DDB, TABLE).build().createTableIfMissing();
    }

    private static void rawItem(String prefix, String key, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put("pk", AttributeValue.fromS(prefix + "#flags"));
        item.put("sk", AttributeValue.fromS(key));
        DDB.putItem(p -> p.tableName(TABLE).item(item));
        DDB.updateItem(u -> u.tableName(TABLE)
                .key(Map.of("pk", AttributeValue.fromS(prefix + "#head"), "sk", AttributeValue.fromS("head")))
                .updateExpression("ADD revision :one")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    }

    @Test
    void malformedItemsAreRejectedOneByOneAndKeepTheirPreviousVersion() throws Exception {
        DynamoDbFlagStore store =
                DynamoDbFlagStore.builder(DDB, TABLE).keyPrefix("items").build();
        store.put(Flag.stringFlag("stage", "SHADOW"), 0, AUDIT);
        store.put(Flag.booleanFlag("good", true), 0, AUDIT);
        try (FlagClient client = FlagClient.builder(store).build()) {
            rawItem(
                    "items",
                    "stage",
                    Map.of(
                            "body",
                            AttributeValue.fromS("{\"key\":\"stage\",\"type\""),
                            "version",
                            AttributeValue.fromN("2")));
            rawItem(
                    "items",
                    "wrong.type",
                    Map.of("body", AttributeValue.fromN("42"), "version", AttributeValue.fromN("1")));
            rawItem(
                    "items",
                    "no.version",
                    Map.of(
                            "body",
                            AttributeValue.fromS(
                                    Flag.booleanFlag("no.version", true).toJson())));
            store.put(Flag.booleanFlag("good", false), 1, AUDIT);
            client.refreshNow();
            ClientStatus status = client.status();
            assertThat(status.state()).isEqualTo(ClientStatus.State.READY);
            assertThat(status.rejectedFlags()).isEqualTo(3);
            assertThat(client.stringValue("stage", EvaluationContext.empty(), "?"))
                    .isEqualTo("SHADOW");
            assertThat(client.booleanValue("good", true)).isFalse();
            assertThat(client.booleanDetail("wrong.type", EvaluationContext.empty(), false)
                            .reason())
                    .isEqualTo(Reason.FLAG_NOT_FOUND);
        }
        assertThat(store.get("wrong.type").orElseThrow().rejection()).contains("'body' is not a string");
        assertThat(store.get("no.version").orElseThrow().rejection()).contains("'version'");
    }

    @Test
    void badNamesAndOversizedFlagsFailBeforeAnyCall() {
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, "x"))
                .hasMessageContaining("table name must be 3 to 255")
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, TABLE).keyPrefix("prod#1"))
                .hasMessageContaining("keyPrefix must match")
                .hasMessageContaining("'prod#1'");
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, TABLE).writeRetry(0, Duration.ofMillis(20)))
                .hasMessageContaining("maxAttempts must be >= 1 but was 0");
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, TABLE).writeRetry(3, Duration.ofMillis(-5)))
                .hasMessageContaining("initialBackoff must be positive but was PT-0.005S");
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, TABLE).streamPollInterval(Duration.ZERO))
                .hasMessageContaining("streamPollInterval must be positive but was PT0S");
        DynamoDbFlagStore store =
                DynamoDbFlagStore.builder(DDB, TABLE).keyPrefix("limits").build();
        assertThatThrownBy(() -> store.put(
                        Flag.builder("huge")
                                .variant("v", "x".repeat(DynamoDbFlagStore.MAX_BODY_BYTES))
                                .build(),
                        0,
                        AUDIT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'huge'")
                .hasMessageContaining("400 KB");
        assertThatThrownBy(() -> store.get("bad key")).hasMessageContaining("flag key must be");
        assertThat(store.headRevision()).isZero();
    }
}
