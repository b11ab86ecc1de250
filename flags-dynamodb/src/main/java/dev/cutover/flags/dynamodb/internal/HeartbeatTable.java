package dev.cutover.flags.dynamodb.internal;

import static dev.cutover.flags.dynamodb.internal.FlagTable.n;
import static dev.cutover.flags.dynamodb.internal.FlagTable.s;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.fleet.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The heartbeat table of a flag store: a table of its own, so that heartbeats never appear in the
 * flag table's stream. Partition key {@code service} (the service name, after {@code <key
 * prefix>#} when the store has a key prefix), sort key {@code instance}; DynamoDB's time to live
 * deletes an item after its {@code expires_at} (epoch seconds), lazily, so reads filter on it too.
 * The layout is documented on {@code DynamoDbFlagStore}.
 */
public final class HeartbeatTable {
    /** The time-to-live attribute, in epoch seconds. */
    public static final String EXPIRES_AT = "expires_at";

    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.flags.dynamodb.DynamoDbFlagStore");

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String prefix;
    private final boolean consistentRead;
    private final WriteRetry counts;

    /**
     * The heartbeats of the store with key prefix {@code prefix} in {@code table}; scans read
     * consistently when {@code consistentRead}; throttled requests are counted in {@code counts}.
     */
    public HeartbeatTable(
            DynamoDbClient dynamoDb, String table, String prefix, boolean consistentRead, WriteRetry counts) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.prefix = prefix;
        this.consistentRead = consistentRead;
        this.counts = counts;
    }

    /** The table name. */
    public String name() {
        return table;
    }

    /**
     * Creates the table if it does not exist (on-demand billing, no stream), waits until it is
     * active, and enables time to live on {@value #EXPIRES_AT} unless it is enabled already.
     *
     * @throws IllegalStateException when the table expires items on another attribute
     */
    public void createIfMissing() {
        try {
            dynamoDb.createTable(r -> r.tableName(table)
                    .keySchema(key("service", KeyType.HASH), key("instance", KeyType.RANGE))
                    .attributeDefinitions(stringAttribute("service"), stringAttribute("instance"))
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (ResourceInUseException e) {
            // exists already
        }
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(table));
        TimeToLiveDescription ttl =
                dynamoDb.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        TimeToLiveStatus status = ttl == null ? null : ttl.timeToLiveStatus();
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            if (!EXPIRES_AT.equals(ttl.attributeName())) {
                throw new IllegalStateException("heartbeat table '" + table + "' expires items on attribute '"
                        + ttl.attributeName() + "', not on '" + EXPIRES_AT + "'");
            }
            return;
        }
        dynamoDb.updateTimeToLive(r ->
                r.tableName(table).timeToLiveSpecification(t -> t.enabled(true).attributeName(EXPIRES_AT)));
    }

    /** One {@code PutItem} of the heartbeat, to the millisecond. */
    public void put(Heartbeat h) {
        Instant sentAt = h.sentAt().truncatedTo(ChronoUnit.MILLIS);
        long intervalMs = Math.max(1, h.interval().toMillis());
        Heartbeat kept = new Heartbeat(
                h.service(),
                h.instance(),
                h.revision(),
                h.stages(),
                h.state(),
                h.source(),
                sentAt,
                Duration.ofMillis(intervalMs));
        Map<String, AttributeValue> item = new HashMap<>(key(h.service(), h.instance()));
        item.put("revision", n(h.revision()));
        item.put("stages", s(h.stagesJson()));
        item.put("state", s(h.state().name()));
        item.put("source", s(h.source().name()));
        item.put("sent_at", n(sentAt.toEpochMilli()));
        item.put("interval_ms", n(intervalMs));
        item.put(EXPIRES_AT, n(ceilSeconds(kept.expiresAt())));
        counts.writeOnce(() -> dynamoDb.putItem(p -> p.tableName(table).item(item)));
    }

    /** One {@code DeleteItem}. */
    public void remove(String service, String instance) {
        Heartbeat.checkName("service", service);
        Heartbeat.checkName("instance", instance);
        counts.writeOnce(() -> dynamoDb.deleteItem(d -> d.tableName(table).key(key(service, instance))));
    }

    /**
     * Every page of a scan for this store's heartbeats not expired at {@code now}: DynamoDB filters
     * on {@value #EXPIRES_AT} to the second, this method to the millisecond. An item that is not a
     * valid heartbeat is skipped with a warning naming it.
     */
    public List<Heartbeat> live(Instant now) {
        Map<String, String> names = Map.of("#service", "service", "#expires", EXPIRES_AT);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", n(floorSeconds(now)));
        String filter;
        if (prefix.isEmpty()) {
            filter = "#expires > :now AND NOT contains(#service, :hash)";
            values.put(":hash", s("#"));
        } else {
            filter = "#expires > :now AND begins_with(#service, :prefix)";
            values.put(":prefix", s(prefix + "#"));
        }
        List<Heartbeat> beats = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder scan = ScanRequest.builder()
                    .tableName(table)
                    .filterExpression(filter)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .consistentRead(consistentRead);
            if (start != null) {
                scan.exclusiveStartKey(start);
            }
            ScanRequest request = scan.build();
            ScanResponse page = counts.read(() -> dynamoDb.scan(request));
            for (Map<String, AttributeValue> item : page.items()) {
                Heartbeat beat = heartbeat(item, now);
                if (beat != null) {
                    beats.add(beat);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return beats;
    }

    private Map<String, AttributeValue> key(String service, String instance) {
        return Map.of("service", s(prefix.isEmpty() ? service : prefix + "#" + service), "instance", s(instance));
    }

    /** The heartbeat an item holds when it is valid and live at {@code now}, else null. */
    private @Nullable Heartbeat heartbeat(Map<String, AttributeValue> item, Instant now) {
        String service = text(item, "service");
        if (service != null && !prefix.isEmpty()) {
            service = service.substring(prefix.length() + 1);
        }
        String instance = text(item, "instance");
        try {
            Heartbeat beat = new Heartbeat(
                    service,
                    instance,
                    number(item, "revision"),
                    Heartbeat.parseStages(required(item, "stages")),
                    constant(ClientStatus.State.class, "state", text(item, "state")),
                    constant(ClientStatus.Source.class, "source", text(item, "source")),
                    Instant.ofEpochMilli(number(item, "sent_at")),
                    Duration.ofMillis(number(item, "interval_ms")));
            return beat.expiresAt().isAfter(now) ? beat : null;
        } catch (RuntimeException e) {
            LOG.warn(
                    "Skipped the heartbeat item of service {} instance {} in table {}: {}",
                    shown(service),
                    shown(instance),
                    table,
                    e.getMessage());
            return null;
        }
    }

    private static @Nullable String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static String required(Map<String, AttributeValue> item, String name) {
        String value = text(item, name);
        if (value == null) {
            throw new IllegalArgumentException("'" + name + "' is not a string attribute: " + item.get(name));
        }
        return value;
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        try {
            if (v != null && v.n() != null) {
                return Long.parseLong(v.n());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + name + "' is not a whole number attribute: " + v);
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String name, @Nullable String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + Arrays.toString(type.getEnumConstants())
                + " but was " + (value == null ? "null" : "'" + printable(value) + "'"));
    }

    /** A name for the log: as it is when valid, else quoted with control characters replaced. */
    private static String shown(@Nullable String name) {
        if (name == null || Heartbeat.isValidName(name)) {
            return String.valueOf(name);
        }
        return "'" + printable(name) + "'";
    }

    private static String printable(String text) {
        String cut = text.length() > 140 ? text.substring(0, 140) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static long floorSeconds(Instant at) {
        return at.getEpochSecond();
    }

    private static long ceilSeconds(Instant at) {
        return at.getNano() == 0 ? at.getEpochSecond() : at.getEpochSecond() + 1;
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }
}
