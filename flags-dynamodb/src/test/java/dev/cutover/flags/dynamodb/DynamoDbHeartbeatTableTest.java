package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus.Source;
import dev.cutover.flags.ClientStatus.State;
import dev.cutover.flags.Flag;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testsupport.CapturedLog;
import dev.cutover.testsupport.InterceptedDynamoDb;
import dev.cutover.testsupport.InterceptedDynamoDb.Fault;
import dev.cutover.testsupport.LocalDynamoDb;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The heartbeat table on DynamoDB Local: its own table with a time to live and no stream, the item
 * layout, key prefixes sharing it, unreadable items, paginated scans, throttling counted.
 */
class DynamoDbHeartbeatTableTest {
    private static final DynamoDbClient DDB = LocalDynamoDb.client();
    private static final AuditInfo AUDIT = new AuditInfo("ops", "heartbeat test");
    private static final Instant NOW = Instant.parse("2031-02-03T04:05:06.789Z");

    private static Heartbeat beat(String service, String instance, Map<String, String> stages) {
        return new Heartbeat(service, instance, 42, stages, State.READY, Source.STORE, NOW, Duration.ofSeconds(30));
    }

    @Test
    void heartbeatsHaveTheirOwnTableWithATimeToLiveAndNoStream() {
        String table = LocalDynamoDb.freshTable("cutover-hb");
        DynamoDbFlagStore store = DynamoDbFlagStore.builder(DDB, table).build();
        store.createTableIfMissing();
        store.createTableIfMissing(); // idempotent, the time to live already on
        store.createHeartbeatTableIfMissing();
        assertThat(store.heartbeatTable()).isEqualTo(table + "-instances");

        TableDescription description =
                DDB.describeTable(r -> r.tableName(table + "-instances")).table();
        assertThat(description.keySchema())
                .extracting(k -> k.attributeName() + " " + k.keyType())
                .containsExactly("service " + KeyType.HASH, "instance " + KeyType.RANGE);
        assertThat(description.attributeDefinitions())
                .allSatisfy(a -> assertThat(a.attributeType()).isEqualTo(ScalarAttributeType.S));
        assertThat(description.streamSpecification() == null
                        || !Boolean.TRUE.equals(
                                description.streamSpecification().streamEnabled()))
                .as("the heartbeat table has no stream")
                .isTrue();
        TimeToLiveDescription ttl =
                DDB.describeTimeToLive(r -> r.tableName(table + "-instances")).timeToLiveDescription();
        assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(ttl.attributeName()).isEqualTo("expires_at");

        store.put(Flag.booleanFlag("switch", true), 0, AUDIT);
        int flagItems = DDB.scan(r -> r.tableName(table)).count();
        Heartbeat beat = beat("orders-service", "orders-7f9c-1234", Map.of("orders", "SHADOW"));
        store.putHeartbeat(beat);
        assertThat(DDB.scan(r -> r.tableName(table)).count())
                .as("items in the flag table")
                .isEqualTo(flagItems);
        assertThat(store.headRevision()).isEqualTo(1);

        Map<String, AttributeValue> item =
                DDB.scan(r -> r.tableName(table + "-instances")).items().get(0);
        assertThat(new TreeMap<>(item))
                .containsOnlyKeys(
                        "service",
                        "instance",
                        "revision",
                        "stages",
                        "state",
                        "source",
                        "sent_at",
                        "interval_ms",
                        "expires_at");
        assertThat(item.get("service").s()).isEqualTo("orders-service");
        assertThat(item.get("instance").s()).isEqualTo("orders-7f9c-1234");
        assertThat(item.get("revision").n()).isEqualTo("42");
        assertThat(item.get("stages").s()).isEqualTo("{\"orders\":\"SHADOW\"}");
        assertThat(item.get("sent_at").n()).isEqualTo(Long.toString(NOW.toEpochMilli()));
        assertThat(item.get("interval_ms").n()).isEqualTo("30000");
        // epoch seconds, rounded up so the time to live never deletes a heartbeat before it expires
        assertThat(Long.parseLong(item.get("expires_at").n()))
                .isEqualTo(beat.expiresAt().getEpochSecond() + 1);
        assertThat(itemBytes(item)).as("item size (one write unit)").isBetween(140, 160);
    }

    @Test
    void storesWithKeyPrefixesShareTheTableAndSeeOnlyTheirOwn() {
        String table = LocalDynamoDb.freshTable("cutover-hb");
        DynamoDbFlagStore plain = DynamoDbFlagStore.builder(DDB, table).build();
        plain.createTableIfMissing();
        DynamoDbFlagStore prod =
                DynamoDbFlagStore.builder(DDB, table).keyPrefix("prod").build();
        DynamoDbFlagStore prodEu =
                DynamoDbFlagStore.builder(DDB, table).keyPrefix("prod/eu").build();
        Heartbeat a = beat("orders", "i-1", Map.of());
        Heartbeat b = beat("orders", "i-2", Map.of());
        Heartbeat c = beat("orders", "i-3", Map.of());
        plain.putHeartbeat(a);
        prod.putHeartbeat(b);
        prodEu.putHeartbeat(c);
        assertThat(plain.heartbeats(NOW)).containsExactly(a);
        assertThat(prod.heartbeats(NOW)).containsExactly(b);
        assertThat(prodEu.heartbeats(NOW)).containsExactly(c);
        assertThat(DDB.scan(r -> r.tableName(table + "-instances")).items())
                .extracting(i -> i.get("service").s())
                .containsExactlyInAnyOrder("orders", "prod#orders", "prod/eu#orders");
        prod.removeHeartbeat("orders", "i-2");
        prod.removeHeartbeat("orders", "i-1");
        assertThat(prod.heartbeats(NOW)).isEmpty();
        assertThat(plain.heartbeats(NOW)).containsExactly(a);
    }

    @Test
    void itemsThatAreNotHeartbeatsAreSkippedWithAWarningNamingThem() throws Exception {
        String table = LocalDynamoDb.freshTable("cutover-hb");
        DynamoDbFlagStore store = DynamoDbFlagStore.builder(DDB, table).build();
        store.createHeartbeatTableIfMissing();
        Heartbeat good = beat("orders", "good-1", Map.of("orders", "SHADOW"));
        store.putHeartbeat(good);
        long expires = NOW.plus(Duration.ofHours(1)).getEpochSecond();
        raw(table, "orders", "no-revision", Map.of("expires_at", num(expires)));
        raw(table, "orders", "bad-stages", Map.of("stages", str("[1, 2]"), "expires_at", num(expires)));
        raw(table, "orders", "bad-state", Map.of("state", str("SLEEPING"), "expires_at", num(expires)));
        raw(table, "orders", "bad name\u001b[2J", Map.of("expires_at", num(expires)));
        raw(table, "orders", "revision-text", Map.of("revision", str("42"), "expires_at", num(expires)));
        // expired by its attribute but not yet deleted by the time to live: filtered, not warned about
        raw(table, "orders", "expired", Map.of("expires_at", num(NOW.getEpochSecond() - 1)));
        AtomicReference<List<Heartbeat>> read = new AtomicReference<>();
        String log = CapturedLog.of(() -> read.set(store.heartbeats(NOW)));
        assertThat(read.get()).containsExactly(good);
        assertThat(log)
                .contains("service orders instance no-revision")
                .contains("'revision' is not a whole number attribute")
                .contains("service orders instance bad-stages")
                .contains("stages must be a JSON object")
                .contains("service orders instance bad-state")
                .contains("state must be one of [STARTING, READY, STALE, FAILED, CLOSED] but was 'SLEEPING'")
                .contains("service orders instance 'bad name?[2J'")
                .contains("service orders instance revision-text")
                .doesNotContain("instance expired")
                .doesNotContain("\u001b");
    }

    /** A heartbeat item as a hand edit leaves it: every attribute valid unless {@code changed}. */
    private static void raw(String table, String service, String instance, Map<String, AttributeValue> changed) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("service", str(service));
        item.put("instance", str(instance));
        item.put("revision", num(7));
        item.put("stages", str("{}"));
        item.put("state", str("READY"));
        item.put("source", str("STORE"));
        item.put("sent_at", num(NOW.toEpochMilli()));
        item.put("interval_ms", num(30_000));
        item.putAll(changed);
        if (instance.equals("no-revision")) {
            item.remove("revision");
        }
        DDB.putItem(p -> p.tableName(table + "-instances").item(item));
    }

    @Test
    void aScanReadsEveryPage() {
        InterceptedDynamoDb counted = new InterceptedDynamoDb(DDB);
        DynamoDbFlagStore store = storeOnAFreshTable(counted.client);
        // the largest heartbeats (about 13 KB each), so that 100 of them need more than one 1 MB page
        Map<String, String> stages = new HashMap<>();
        for (int i = 0; i < Heartbeat.MAX_STAGES; i++) {
            stages.put(String.format("%03d", i) + "p".repeat(125), "S".repeat(64));
        }
        for (int i = 0; i < 100; i++) {
            store.putHeartbeat(beat("orders", "i-" + i, stages));
        }
        assertThat(store.heartbeats(NOW)).hasSize(100);
        assertThat(counted.calls("scan")).as("scan pages").isGreaterThan(1);
    }

    @Test
    void throttledHeartbeatRequestsAreCountedAndThrown() {
        InterceptedDynamoDb faulty = new InterceptedDynamoDb(DDB);
        DynamoDbFlagStore store = storeOnAFreshTable(faulty.client);
        MeterRegistry registry = new SimpleMeterRegistry();
        DynamoDbFlagStoreMetrics.of(store).bindTo(registry);
        faulty.queue(
                new Fault("putItem", InterceptedDynamoDb::throttled),
                new Fault("deleteItem", InterceptedDynamoDb::throttled),
                new Fault("scan", InterceptedDynamoDb::throttled));
        Heartbeat a = beat("orders", "a", Map.of());
        assertThatThrownBy(() -> store.putHeartbeat(a)).isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThatThrownBy(() -> store.removeHeartbeat("orders", "a"))
                .isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThatThrownBy(() -> store.heartbeats(NOW)).isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThat(registry.get("cutover.flags.dynamodb.throttled")
                        .tag("operation", "write")
                        .functionCounter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("cutover.flags.dynamodb.throttled")
                        .tag("operation", "read")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(faulty.calls("putItem"))
                .as("a heartbeat is not retried: the next interval writes it")
                .isEqualTo(1);
        store.putHeartbeat(a);
        assertThat(store.heartbeats(NOW)).containsExactly(a);
    }

    @Test
    void aTimeToLiveOnAnotherAttributeIsRefusedNamingIt() {
        String table = LocalDynamoDb.freshTable("cutover-hb");
        DynamoDbFlagStore store = DynamoDbFlagStore.builder(DDB, table).build();
        store.createHeartbeatTableIfMissing();
        DDB.updateTimeToLive(r -> r.tableName(table + "-instances")
                .timeToLiveSpecification(t -> t.enabled(false).attributeName("expires_at")));
        DDB.updateTimeToLive(r -> r.tableName(table + "-instances")
                .timeToLiveSpecification(t -> t.enabled(true).attributeName("ttl")));
        assertThatThrownBy(store::createHeartbeatTableIfMissing)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + table + "-instances'")
                .hasMessageContaining("'ttl'")
                .hasMessageContaining("'expires_at'");
    }

    @Test
    void badTableNamesAreRefusedNamingThem() {
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, "flags").heartbeatTable("x#y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeatTable name must be 3 to 255")
                .hasMessageContaining("'x#y'");
        String longest = "t".repeat(255);
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, longest).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeatTable(...)");
        assertThat(DynamoDbFlagStore.builder(DDB, longest)
                        .heartbeatTable("fleet")
                        .build()
                        .heartbeatTable())
                .isEqualTo("fleet");
        assertThatThrownBy(() -> DynamoDbFlagStore.builder(DDB, "flags").build().removeHeartbeat("a b", "c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name must match");
    }

    /** A store whose calls go through {@code client}, on a new heartbeat table. */
    private static DynamoDbFlagStore storeOnAFreshTable(DynamoDbClient client) {
        String table = LocalDynamoDb.freshTable("cutover-hb");
        DynamoDbFlagStore.builder(DDB, table).build().createHeartbeatTableIfMissing();
        return DynamoDbFlagStore.builder(client, table).build();
    }

    private static AttributeValue str(String s) {
        return AttributeValue.fromS(s);
    }

    private static AttributeValue num(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    /** An item's size as DynamoDB bills it: names and strings in UTF-8, numbers about 1 byte per 2 digits. */
    private static int itemBytes(Map<String, AttributeValue> item) {
        int bytes = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length;
            AttributeValue v = e.getValue();
            bytes += v.s() != null ? v.s().getBytes(StandardCharsets.UTF_8).length : (v.n().length() + 1) / 2 + 1;
        }
        return bytes;
    }
}
