package dev.cutover.replication.dynamodb;

import dev.cutover.replication.Change;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.dynamodb.internal.Calls;
import dev.cutover.replication.dynamodb.internal.ConditionalPuts;
import dev.cutover.replication.dynamodb.internal.ParallelCalls;
import dev.cutover.replication.dynamodb.internal.TableScan;
import dev.cutover.replication.dynamodb.internal.TableSettings;
import dev.cutover.replication.dynamodb.internal.Tables;
import dev.cutover.replication.dynamodb.internal.Throttling;
import dev.cutover.replication.dynamodb.internal.TombstonePurge;
import dev.cutover.replication.dynamodb.internal.VersionedItems;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.ReplaceOutcome;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The new store as a {@link VersionedTarget} on one DynamoDB table: each change is one conditional
 * {@code PutItem} that lands only if its version is newer than the stored one, live or tombstone.
 *
 * <pre>{@code
 * DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(dynamoDb, "orders-v2").build();
 * target.createTableIfMissing();
 * List<ApplyOutcome> outcomes = target.apply(List.of(Change.upsert("order-17", 42, orderJson)));
 * }</pre>
 *
 * <p><b>Table layout</b> (one string partition key, {@code pk} unless {@link
 * Builder#partitionKey} says otherwise; no sort key): the key attribute holds the key prefix
 * (empty by default) plus the change's key; {@code version} (N); {@code deleted} (BOOL, true on a
 * tombstone); {@code payload}, the payload as a native attribute value (a JSON object as a map, so
 * the new table can be queried and indexed natively; absent on a tombstone); {@code appliedAt} (N,
 * epoch milliseconds of the write, what {@link #purgeTombstones} compares). Numbers are stored as
 * {@code N} and read back by value: see {@link DynamoDbJson}.
 *
 * <p><b>Writes.</b> The condition is {@code attribute_not_exists(pk) OR version < :v}; a failed
 * condition returns the stored item ({@code ReturnValuesOnConditionCheckFailure.ALL_OLD}), which
 * tells {@link ApplyOutcome#DUPLICATE} from {@link ApplyOutcome#SUPERSEDED} without another read
 * (a store that does not return it gets one consistent read instead). {@code BatchWriteItem} takes
 * no conditions, so a batch runs as parallel single-item writes, at most {@link
 * Builder#maxInFlight} at a time over all callers; when a batch fails, any subset of it may have
 * been applied, and applying it again is safe. Requests refused for capacity are retried with
 * jittered exponential backoff (Resilience4j) and counted ({@link DynamoDbReplicationMetrics}).
 * Keys over 2048 bytes with their prefix, payloads DynamoDB cannot store and items over 400 KB
 * fail the whole batch with an {@code IllegalArgumentException} naming the key, before any call.
 *
 * <p><b>Same-version drift.</b> {@link #replaceIfUnchanged} overwrites an item at the same
 * version only while it still holds the payload a reconciliation saw: a {@code PutItem}
 * conditioned on {@code version}, {@code deleted} and {@code payload} equal to the item read.
 *
 * <p>{@link #close()} stops the write threads; the client is the application's to close.
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class DynamoDbVersionedTarget implements VersionedTarget, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbVersionedTarget.class);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String partitionKey;
    private final String prefix;
    private final Clock clock;
    private final VersionedItems items;
    private final Calls calls;
    private final TableScan scan;
    private final ConditionalPuts writes;
    private final TombstonePurge purge;
    private final ParallelCalls writers;
    private final LongAdder rejectedItems = new LongAdder();

    private DynamoDbVersionedTarget(Builder b) {
        this.dynamoDb = b.settings.dynamoDb();
        this.table = b.settings.table();
        this.partitionKey = b.partitionKey;
        this.prefix = b.prefix;
        this.clock = b.clock;
        this.items = new VersionedItems(partitionKey, prefix);
        this.calls = new Calls(b.settings.throttling(describe()), describe());
        this.scan = new TableScan(dynamoDb, table, b.settings.segments(), calls, describe());
        this.writes = new ConditionalPuts(dynamoDb, table, partitionKey, items, calls, describe());
        this.purge = new TombstonePurge(dynamoDb, table, partitionKey, prefix, calls, scan);
        this.writers = new ParallelCalls("cutover-ddb-apply-" + table, b.maxInFlight);
    }

    /** Starts configuring a target on {@code table}. */
    public static Builder builder(DynamoDbClient dynamoDb, String table) {
        return new Builder(dynamoDb, table);
    }

    /**
     * Creates the table if it does not exist, on-demand, with a stream of new and old images (so
     * the new table can feed the way back), and waits until it is active.
     */
    public void createTableIfMissing() {
        Tables.createIfMissing(dynamoDb, table, partitionKey, true);
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws InterruptedException {
        Objects.requireNonNull(changes, "changes");
        long now = clock.millis();
        List<PutItemRequest> puts = new ArrayList<>(changes.size());
        for (Change c : changes) {
            puts.add(writes.prepare(Objects.requireNonNull(c, "change"), now)); // every check before any call
        }
        List<Integer> indexes = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            indexes.add(i);
        }
        return changes.isEmpty() ? List.of() : writers.map(indexes, i -> writes.apply(changes.get(i), puts.get(i)));
    }

    /**
     * Replaces a live item at {@code expectedVersion} whose payload has {@code expectedDigest}: a
     * consistent read, the digest compared in Java, then a {@code PutItem} whose {@code
     * ConditionExpression} requires the version, the tombstone flag and the payload attribute read
     * ({@code #v = :v AND #d = :live AND #p = :p}). A write landing between the read and the put
     * changes one of them (a versioned apply always raises the version; an edit behind the target's
     * back changes the payload), so the put then writes nothing. See {@link
     * VersionedTarget#replaceIfUnchanged}.
     */
    @Override
    public ReplaceOutcome replaceIfUnchanged(long expectedVersion, String expectedDigest, Change row) {
        VersionedTarget.checkReplacement(expectedVersion, expectedDigest, row);
        return writes.replace(expectedVersion, expectedDigest, row, clock.millis());
    }

    @Override
    public Optional<Change> read(String key) {
        Objects.requireNonNull(key, "key");
        Map<String, AttributeValue> item = writes.read(key);
        return item == null ? Optional.empty() : Optional.of(items.change(item));
    }

    /**
     * Removes tombstones applied before {@code appliedBefore}: a scan for them, then one delete each,
     * conditioned on the tombstone's version so that a change applied meanwhile is kept.
     */
    @Override
    public long purgeTombstones(Instant appliedBefore) {
        return purge.purge(Objects.requireNonNull(appliedBefore, "appliedBefore"));
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
        TableScan.SegmentPage page = scan.segmentPage(segment, token, limit, this::ofThisKeySpace);
        List<Change> rows = new ArrayList<>(page.items().size());
        List<SourceRejection> rejected = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            try {
                rows.add(items.change(item));
            } catch (RuntimeException e) {
                rejectedItems.increment();
                LOG.warn("{}: skipped an item of segment {}: {}", describe(), segment, e.getMessage());
                rejected.add(new SourceRejection(
                        keyOrNull(item), "item of segment " + segment + " cannot be read: " + e.getMessage()));
            }
        }
        return new Page(rows, rejected, page.next());
    }

    /** A consistent scan of this target's items: those of its key prefix. */
    private void ofThisKeySpace(ScanRequest.Builder request) {
        request.consistentRead(true);
        if (!prefix.isEmpty()) {
            request.filterExpression("begins_with(#pk, :prefix)")
                    .expressionAttributeNames(Map.of("#pk", partitionKey))
                    .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(prefix)));
        }
    }

    /** The change key of a malformed item, or null when even that cannot be read. */
    private @Nullable String keyOrNull(Map<String, AttributeValue> item) {
        try {
            return items.keyOf(item);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Requests refused for capacity, and their retries; for {@link DynamoDbReplicationMetrics}. */
    Throttling throttling() {
        return calls.throttling();
    }

    /** Failed conditions that needed a read to classify, because the store returned no old item. */
    public long fallbackReads() {
        return writes.fallbackReads();
    }

    /**
     * Items of this target's key space that {@link #readPage(int, String, int)} skipped as malformed;
     * each is also returned in its page's {@link SegmentedSource.Page#rejected()}, so a
     * reconciliation reports it.
     */
    public long rejectedItems() {
        return rejectedItems.sum();
    }

    /** Stops the write threads. The client is the application's to close. */
    @Override
    public void close() {
        writers.close();
    }

    @Override
    public String describe() {
        return "dynamodb:" + table + (prefix.isEmpty() ? "" : ":" + prefix);
    }

    /**
     * Configures a {@link DynamoDbVersionedTarget}. Each setting is checked when set, naming a bad
     * value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final TableSettings settings;
        private String partitionKey = "pk";
        private String prefix = "";
        private int maxInFlight = 16;
        private Clock clock = Clock.systemUTC();

        private Builder(DynamoDbClient dynamoDb, String table) {
            this.settings = new TableSettings(dynamoDb, table);
        }

        /** The partition key attribute (string); default {@code pk}. */
        public Builder partitionKey(String attribute) {
            this.partitionKey = TableSettings.attributeName("partitionKey", attribute);
            if (List.of(
                            VersionedItems.VERSION,
                            VersionedItems.DELETED,
                            VersionedItems.PAYLOAD,
                            VersionedItems.APPLIED_AT)
                    .contains(attribute)) {
                throw new IllegalArgumentException(
                        "partitionKey must not be one of the item's own attributes but was '" + attribute + "'");
            }
            return this;
        }

        /**
         * A prefix of every stored key, so that several targets share a table; default empty. Reads,
         * scans and purges see only this prefix's items.
         */
        public Builder keyPrefix(String prefix) {
            Objects.requireNonNull(prefix, "keyPrefix");
            if (prefix.length() > 256) {
                throw new IllegalArgumentException(
                        "keyPrefix must be at most 256 characters but was " + prefix.length());
            }
            this.prefix = prefix;
            return this;
        }

        /** Parallel-scan segments of {@link DynamoDbVersionedTarget#readPage(int, String, int)}; default 4. */
        public Builder segments(int segments) {
            settings.segments(segments);
            return this;
        }

        /** Writes in flight at once over all batches; default 16. */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1 || maxInFlight > 1024) {
                throw new IllegalArgumentException("maxInFlight must be 1 to 1024 but was " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
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

        /** The clock of {@code appliedAt}; default the system's UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the target; makes no call. */
        public DynamoDbVersionedTarget build() {
            return new DynamoDbVersionedTarget(this);
        }
    }
}
