package dev.cutover.replication.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.dynamodb.internal.Calls;
import dev.cutover.replication.dynamodb.internal.TableScan;
import dev.cutover.replication.dynamodb.internal.TableSettings;
import dev.cutover.replication.dynamodb.internal.Throttling;
import dev.cutover.replication.spi.SegmentedSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An old DynamoDB table read as parallel-scan segments: what a backfill copies into the new store.
 * Each item becomes an upsert whose key, version and payload the builder's functions make; the
 * segment's resume token is the scan's {@code LastEvaluatedKey}, encoded.
 *
 * <pre>{@code
 * DynamoDbScanSource old = DynamoDbScanSource.builder(dynamoDb, "orders")
 *     .key(ItemKey.attribute("orderId"))
 *     .version(ItemVersion.attribute("version"))
 *     .payload(item -> DynamoDbJson.toJson(item).without("legacyFlags"))
 *     .segments(16)
 *     .build();
 * }</pre>
 *
 * <p>Segments are DynamoDB's ({@code Segment}/{@code TotalSegments}): they partition the table's
 * items, and several processes may read different segments at once. A page reads up to {@code
 * limit} items. An item whose key, version or payload cannot be made is not migrated, and
 * reported: returned in its page's {@link SegmentedSource.Page#rejected()} (its change key when
 * one was made, and a reason naming its primary key), so a backfill counts and lists it and a
 * reconciliation reports it as not migrated; logged at WARN and counted ({@link #rejected()}). Scans read consistently unless {@link Builder#consistentRead} turns that off (half the
 * read units; the stream then carries what a scan read too early). Thread-safe.
 *
 * @since 0.1.0
 */
public final class DynamoDbScanSource implements SegmentedSource {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbScanSource.class);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final boolean consistentRead;
    private final ItemKey key;
    private final ItemVersion version;
    private final Function<Map<String, AttributeValue>, JsonNode> payload;
    private final Calls calls;
    private final TableScan scan;
    private final LongAdder rejected = new LongAdder();
    private volatile @Nullable List<String> keyAttributes;

    private DynamoDbScanSource(Builder b, ItemKey key, ItemVersion version) {
        this.dynamoDb = b.settings.dynamoDb();
        this.table = b.settings.table();
        this.consistentRead = b.consistentRead;
        this.key = key;
        this.version = version;
        this.payload = b.payload;
        this.calls = new Calls(b.settings.throttling(describe()), describe());
        this.scan = new TableScan(dynamoDb, table, b.settings.segments(), calls, describe());
    }

    /** Starts configuring a source on the old table {@code table}. */
    public static Builder builder(DynamoDbClient dynamoDb, String table) {
        return new Builder(dynamoDb, table);
    }

    @Override
    public int segments() {
        return scan.segments();
    }

    /**
     * {@code "dynamodb parallel scan, <n> segments"}: DynamoDB assigns items to the {@code Segment}s
     * of a scan by their partition key and {@code TotalSegments} alone.
     */
    @Override
    public String layout() {
        return scan.layout();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) {
        TableScan.SegmentPage page = scan.segmentPage(segment, token, limit, r -> r.consistentRead(consistentRead));
        List<Change> rows = new ArrayList<>(page.items().size());
        List<SourceRejection> rejections = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            String changeKey = null;
            try {
                changeKey = key.of(item);
                rows.add(Change.upsert(
                        changeKey, version.of(item), Objects.requireNonNull(payload.apply(item), "payload")));
            } catch (RuntimeException e) {
                rejected.increment();
                String primaryKey = primaryKey(item);
                LOG.warn("{}: skipped item {} of segment {}: {}", describe(), primaryKey, segment, e.toString());
                rejections.add(new SourceRejection(
                        changeKey, "item " + primaryKey + " of segment " + segment + ": " + reason(e)));
            }
        }
        return new Page(rows, rejections, page.next());
    }

    /** Why an item was skipped: the message of an {@link IllegalArgumentException}, else the exception's type. */
    private static String reason(RuntimeException e) {
        return e instanceof IllegalArgumentException && e.getMessage() != null
                ? e.getMessage()
                : e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** The item's primary key attributes, for a log line (the table's key schema, read once). */
    private String primaryKey(Map<String, AttributeValue> item) {
        List<String> names = keyAttributes;
        if (names == null) {
            try {
                names = dynamoDb.describeTable(d -> d.tableName(table)).table().keySchema().stream()
                        .map(k -> k.attributeName())
                        .toList();
                keyAttributes = names;
            } catch (RuntimeException e) {
                return "(primary key unknown: " + e.getMessage() + ")";
            }
        }
        StringBuilder text = new StringBuilder("{");
        for (String name : names) {
            AttributeValue v = item.get(name);
            text.append(text.length() > 1 ? ", " : "")
                    .append(name)
                    .append('=')
                    .append(v == null ? "?" : v.s() != null ? v.s() : v.n() != null ? v.n() : String.valueOf(v.b()));
        }
        return text.append('}').toString();
    }

    /** Items skipped because their key, version or payload could not be made. */
    public long rejected() {
        return rejected.sum();
    }

    /** Requests refused for capacity, and their retries; for {@link DynamoDbReplicationMetrics}. */
    Throttling throttling() {
        return calls.throttling();
    }

    @Override
    public String describe() {
        return "dynamodb-scan:" + table;
    }

    /**
     * Configures a {@link DynamoDbScanSource}; {@link #key} and {@link #version} are required. Each
     * setting is checked when set, naming a bad value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final TableSettings settings;
        private @Nullable ItemKey key;
        private @Nullable ItemVersion version;
        private Function<Map<String, AttributeValue>, JsonNode> payload = DynamoDbJson::toJson;
        private boolean consistentRead = true;

        private Builder(DynamoDbClient dynamoDb, String table) {
            this.settings = new TableSettings(dynamoDb, table);
        }

        /** The change key of an item (required): the old key, normalized if need be. */
        public Builder key(ItemKey key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** The version of an item (required); see {@link ItemVersion} for choosing one. */
        public Builder version(ItemVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** The payload of an item; default the whole item ({@link DynamoDbJson#toJson(Map)}). */
        public Builder payload(Function<Map<String, AttributeValue>, JsonNode> payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        /** Parallel-scan segments; default 4. */
        public Builder segments(int segments) {
            settings.segments(segments);
            return this;
        }

        /** Strongly consistent scans (default true; twice the read units). */
        public Builder consistentRead(boolean consistentRead) {
            this.consistentRead = consistentRead;
            return this;
        }

        /**
         * How often a request refused for capacity is attempted, the first included (default 8), and
         * the first wait (default 25 ms; each later one doubles, randomized by half, up to 5 s).
         */
        public Builder throttleRetry(int maxAttempts, java.time.Duration initialBackoff) {
            settings.throttleRetry(maxAttempts, initialBackoff);
            return this;
        }

        /**
         * Builds the source; makes no call.
         *
         * @throws IllegalStateException when the key or the version was not set
         */
        public DynamoDbScanSource build() {
            TableSettings.requireKeyAndVersion("a scan source of " + settings.table(), key, version);
            return new DynamoDbScanSource(this, Objects.requireNonNull(key), Objects.requireNonNull(version));
        }
    }
}
