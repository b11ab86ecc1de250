package dev.cutover.flags.dynamodb;

import static dev.cutover.flags.dynamodb.internal.FlagTable.n;
import static dev.cutover.flags.dynamodb.internal.FlagTable.s;

import dev.cutover.flags.Flag;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.dynamodb.internal.FlagTable;
import dev.cutover.flags.dynamodb.internal.FlagWriteTransaction;
import dev.cutover.flags.dynamodb.internal.HeartbeatTable;
import dev.cutover.flags.dynamodb.internal.StreamHints;
import dev.cutover.flags.dynamodb.internal.WriteRetry;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.ChangeHints;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A {@link WritableFlagStore} on one DynamoDB table, and the {@link HeartbeatStore} of its fleet on
 * a second one.
 *
 * <pre>{@code
 * DynamoDbFlagStore store = DynamoDbFlagStore.builder(dynamoDb, "cutover-flags").keyPrefix("prod/").build();
 * store.createTableIfMissing();
 * FlagClient flags = FlagClient.builder(store).build();
 * }</pre>
 *
 * <p><b>Table layout</b> (string partition key {@code pk}, string sort key {@code sk}; {@code P}
 * is the key prefix, empty by default, so several environments can share a table):
 *
 * <table>
 *   <caption>Items</caption>
 *   <tr><th>item</th><th>pk</th><th>sk</th><th>attributes</th></tr>
 *   <tr><td>head</td><td>{@code P#head}</td><td>{@code head}</td><td>{@code revision} (N)</td></tr>
 *   <tr><td>flag</td><td>{@code P#flags}</td><td>flag key</td><td>{@code body} (S, flag JSON),
 *       {@code version} (N), {@code updatedAt} (N, epoch ms), {@code updatedBy} (S), {@code deleted}
 *       (BOOL, a tombstone that keeps the version so it never repeats)</td></tr>
 *   <tr><td>audit</td><td>{@code P#audit#<key>}</td><td>revision, 20 digits</td><td>{@code version},
 *       {@code actor}, {@code reason}, {@code before}, {@code after}, {@code at}, {@code revision}</td></tr>
 * </table>
 *
 * <p><b>Heartbeats</b> ({@link HeartbeatStore}) live in their own table, {@code <table>-instances}
 * unless {@link Builder#heartbeatTable(String) set}, so that they never appear in the flag table's
 * stream: partition key {@code service} (S; {@code P#service} when the key prefix {@code P} is not
 * empty), sort key {@code instance} (S), and {@code revision} (N), {@code stages} (S, JSON),
 * {@code state} (S), {@code source} (S), {@code sent_at} (N, epoch ms), {@code interval_ms} (N),
 * {@code expires_at} (N, epoch seconds) on which DynamoDB's time to live deletes expired items.
 * {@link #putHeartbeat} is one {@code PutItem}, not retried (the next interval writes again);
 * {@link #heartbeats(Instant)} scans every page, filtered on {@code expires_at} because the time to
 * live deletes lazily (up to days later); an item that is not a valid heartbeat is skipped with a
 * warning naming it. {@link #removeExpiredHeartbeats} returns 0: the time to live removes them.
 *
 * <p><b>Reads.</b> {@link #headRevision()} is one {@code GetItem} of the head item, however many
 * flags there are; {@link #load()} reads the head, then queries the flags partition (every page).
 * Reading the revision first means the documents are never older than the revision claims. A
 * throttled read fails the call; the {@code FlagClient} retries it with backoff and keeps serving
 * its last good snapshot meanwhile.
 *
 * <p><b>Writes</b> are one {@code TransactWriteItems}: the flag conditioned on its expected version,
 * the head revision conditioned on the value just read, and the audit item, all or nothing. A
 * version condition failure becomes a {@link FlagWriteConflictException} naming the key, the
 * expected and the actual version and is never retried. A lost race on the head (another flag
 * written meanwhile), a transaction conflict and throttling are retried with jittered backoff
 * through Resilience4j ({@link Builder#writeRetry}) and counted ({@link DynamoDbFlagStoreMetrics}).
 * Each attempt carries its own client request token, so a request the SDK resends after a lost
 * response is recognized rather than failed on its own conditions. Flag bodies are limited to {@value #MAX_BODY_BYTES} bytes so an audit item holding
 * before and after stays under DynamoDB's 400 KB item limit; larger ones are refused before any
 * call. Thread-safe.
 *
 * @since 0.1.0
 */
public final class DynamoDbFlagStore implements WritableFlagStore, HeartbeatStore {
    /** Largest flag JSON, so that an audit item with before and after fits in 400 KB. */
    public static final int MAX_BODY_BYTES = 190 * 1024;
    /** Key prefixes: letters, digits and {@code _ . / -}, at most 64 characters. */
    public static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_./-]{0,64}");

    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String prefix;
    private final Clock clock;
    private final @Nullable DynamoDbStreamsClient streams;
    private final Duration streamPoll;
    private final Object streamLock = new Object();
    private @Nullable StreamHints reader;
    private final ChangeHints hints;
    private final WriteRetry writes;
    private final FlagTable items;
    private final FlagWriteTransaction transaction;
    private final HeartbeatTable heartbeats;

    private DynamoDbFlagStore(Builder b, String heartbeatTable) {
        this.dynamoDb = b.dynamoDb;
        this.table = b.table;
        this.prefix = b.prefix;
        this.clock = b.clock;
        this.streams = b.streams;
        this.streamPoll = b.streamPoll;
        this.hints = new ChangeHints(describe());
        this.writes = new WriteRetry(describe(), b.writeAttempts, b.writeBackoff);
        this.items = new FlagTable(dynamoDb, table, prefix, b.consistentRead, writes);
        this.transaction = new FlagWriteTransaction(items, writes);
        this.heartbeats = new HeartbeatTable(dynamoDb, heartbeatTable, prefix, b.consistentRead, writes);
    }

    /** The retry of writes and the throttling counts, for {@link DynamoDbFlagStoreMetrics}. */
    WriteRetry retries() {
        return writes;
    }

    /** Starts configuring a store on {@code table}. */
    public static Builder builder(DynamoDbClient dynamoDb, String table) {
        return new Builder(dynamoDb, table);
    }

    /** The table name. */
    public String table() {
        return table;
    }

    /** The key prefix. */
    public String keyPrefix() {
        return prefix;
    }

    /** The heartbeat table's name. */
    public String heartbeatTable() {
        return heartbeats.name();
    }

    /**
     * Creates the flag table if it does not exist (on-demand billing, a stream with new and old
     * images) and the heartbeat table ({@link #createHeartbeatTableIfMissing()}), and waits until
     * they are active. Teams that provision tables themselves use the equivalent CloudFormation or
     * CLI snippet in the README.
     */
    public void createTableIfMissing() {
        items.createIfMissing();
        heartbeats.createIfMissing();
    }

    /**
     * Creates the heartbeat table if it does not exist (on-demand billing, no stream), waits until
     * it is active, and enables time to live on {@code expires_at}; idempotent.
     *
     * @throws IllegalStateException when the table's time to live is on another attribute
     */
    @Override
    public void createHeartbeatTableIfMissing() {
        heartbeats.createIfMissing();
    }

    /** One {@code PutItem} of about 150 bytes (one write unit); see the class comment. */
    @Override
    public void putHeartbeat(Heartbeat heartbeat) {
        heartbeats.put(Objects.requireNonNull(heartbeat, "heartbeat"));
    }

    @Override
    public List<Heartbeat> heartbeats(Instant now) {
        return heartbeats.live(Objects.requireNonNull(now, "now"));
    }

    @Override
    public void removeHeartbeat(String service, String instance) {
        heartbeats.remove(service, instance);
    }

    /** Returns 0: DynamoDB's time to live deletes expired heartbeats. */
    @Override
    public int removeExpiredHeartbeats(Instant now) {
        return 0;
    }

    @Override
    public long headRevision() {
        return items.headRevision();
    }

    @Override
    public StoreSnapshot load() {
        return items.load();
    }

    @Override
    public Optional<RawFlag> get(String key) {
        requireKey(key);
        return items.get(key);
    }

    @Override
    public Flag put(Flag flag, long expectedVersion, AuditInfo audit) {
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(audit, "audit");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException(
                    "expectedVersion of flag '" + flag.key() + "' must be >= 0 (0: create) but was " + expectedVersion);
        }
        Instant now = clock.instant();
        Flag[] stored = new Flag[1];
        transaction.write(flag.key(), expectedVersion, audit, now, (current, nextVersion) -> {
            stored[0] = flag.toBuilder()
                    .version(nextVersion)
                    .updatedAt(now)
                    .updatedBy(audit.actor())
                    .build();
            String body = stored[0].toJson();
            int bytes = body.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_BODY_BYTES) {
                throw new IllegalArgumentException(
                        "flag '" + flag.key() + "' is " + bytes + " bytes of JSON, over the limit of " + MAX_BODY_BYTES
                                + " (DynamoDB items are at most 400 KB)");
            }
            Map<String, AttributeValue> item = new HashMap<>(items.flagKey(flag.key()));
            item.put("body", s(body));
            item.put("version", n(nextVersion));
            item.put("updatedAt", n(now.toEpochMilli()));
            item.put("updatedBy", s(audit.actor()));
            return TransactWriteItem.builder()
                    .put(p -> p.tableName(table)
                            .item(item)
                            .conditionExpression(
                                    current == null
                                            ? "attribute_not_exists(pk) OR deleted = :true"
                                            : "version = :expected AND attribute_not_exists(deleted)")
                            .expressionAttributeValues(
                                    current == null
                                            ? Map.of(":true", AttributeValue.fromBool(true))
                                            : Map.of(":expected", n(expectedVersion))))
                    .build();
        });
        return stored[0];
    }

    @Override
    public void delete(String key, long expectedVersion, AuditInfo audit) {
        requireKey(key);
        Objects.requireNonNull(audit, "audit");
        if (expectedVersion < 1) {
            throw new IllegalArgumentException(
                    "expectedVersion to delete flag '" + key + "' must be >= 1 but was " + expectedVersion);
        }
        transaction.write(
                key,
                expectedVersion,
                audit,
                clock.instant(),
                (current, nextVersion) -> TransactWriteItem.builder()
                        .update(u -> u.tableName(table)
                                .key(items.flagKey(key))
                                .updateExpression("SET deleted = :true REMOVE body")
                                .conditionExpression("version = :expected AND attribute_not_exists(deleted)")
                                .expressionAttributeValues(Map.of(
                                        ":true", AttributeValue.fromBool(true), ":expected", n(expectedVersion))))
                        .build());
    }

    @Override
    public AuditPage history(String key, @Nullable String pageToken, int pageSize) {
        requireKey(key);
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1 but was " + pageSize);
        }
        if (pageToken != null && !pageToken.matches("\\d{20}")) {
            throw new IllegalArgumentException("invalid page token '" + pageToken + "'");
        }
        return items.history(key, pageToken, pageSize);
    }

    /**
     * Push hints from the table's stream, when the builder was given a streams client: one reader
     * thread per store follows every shard (see {@code StreamHints}); polling stays on.
     */
    @Override
    public Subscription subscribe(ChangeHintListener hint) {
        Objects.requireNonNull(hint, "listener");
        DynamoDbStreamsClient client = streams;
        if (client == null) {
            return Subscription.NONE;
        }
        synchronized (streamLock) {
            hints.add(hint);
            if (reader == null) {
                String arn =
                        dynamoDb.describeTable(r -> r.tableName(table)).table().latestStreamArn();
                if (arn == null) {
                    hints.remove(hint);
                    throw new IllegalStateException("table '" + table
                            + "' has no stream: enable it with NEW_AND_OLD_IMAGES (createTableIfMissing does)");
                }
                reader = new StreamHints(
                        client, arn, items.headPartition(), streamPoll, Duration.ofSeconds(30), describe(), hints);
                reader.start();
            }
            return () -> {
                synchronized (streamLock) {
                    if (hints.remove(hint) && reader != null) {
                        reader.close();
                        reader = null;
                    }
                }
            };
        }
    }

    /** Stops the stream reader, if any. The clients are the application's to close. */
    @Override
    public void close() {
        synchronized (streamLock) {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
    }

    @Override
    public String describe() {
        return "dynamodb:" + table + (prefix.isEmpty() ? "" : ":" + prefix);
    }

    private static void requireKey(String key) {
        Objects.requireNonNull(key, "key");
        if (!Flag.isValidKey(key)) {
            throw new IllegalArgumentException(
                    "flag key must be 1 to 128 letters, digits, '.', '-' or '_' but was '" + key + "'");
        }
    }

    /**
     * Configures a {@link DynamoDbFlagStore}. Each setting is checked when set, naming a bad value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final DynamoDbClient dynamoDb;
        private final String table;
        private String prefix = "";
        private boolean consistentRead = true;
        private Clock clock = Clock.systemUTC();
        private @Nullable DynamoDbStreamsClient streams;
        private Duration streamPoll = Duration.ofMillis(250);
        private int writeAttempts = 10;
        private Duration writeBackoff = Duration.ofMillis(20);
        private @Nullable String heartbeatTable;

        private Builder(DynamoDbClient dynamoDb, String table) {
            this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
            this.table = tableName("table", table);
        }

        /** Prefix of every partition key, so environments or applications can share a table. */
        public Builder keyPrefix(String prefix) {
            Objects.requireNonNull(prefix, "keyPrefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException(
                        "keyPrefix must match " + PREFIX.pattern() + " but was '" + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /** Strongly consistent reads for the head check and the load (default true; twice the read units). */
        public Builder consistentRead(boolean consistentRead) {
            this.consistentRead = consistentRead;
            return this;
        }

        /** Clock for write timestamps. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Enables push: the table's stream is followed with this client and every write becomes a
         * reload hint within about the stream poll interval (default 250 ms). Each open shard costs one
         * {@code GetRecords} request per interval, billed as a streams read request. DynamoDB
         * advises at most two concurrent readers per shard: more are throttled, back off, and rely on
         * polling, so for a larger fleet enable push on at most two instances (or relay the hints)
         * and let the others poll.
         */
        public Builder streams(DynamoDbStreamsClient streams) {
            this.streams = Objects.requireNonNull(streams, "streams");
            return this;
        }

        /** How often each open stream shard is read; default 250 ms. */
        public Builder streamPollInterval(Duration every) {
            Objects.requireNonNull(every, "streamPollInterval");
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("streamPollInterval must be positive but was " + every);
            }
            this.streamPoll = every;
            return this;
        }

        /**
         * How often a write is attempted before it fails with a {@code FlagStoreException} (default 10,
         * the first included) and the first wait between attempts (default 20 ms; each later wait
         * doubles, randomized by half, up to 2 s). A write is retried when DynamoDB refuses it for
         * capacity after the SDK's own retries ({@code ProvisionedThroughputExceeded}, request limits,
         * throttled transaction items), when another transaction holds one of its items, and when
         * another flag's write moved the head revision first. A version conflict is never retried.
         */
        public Builder writeRetry(int maxAttempts, Duration initialBackoff) {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("writeRetry maxAttempts must be >= 1 but was " + maxAttempts);
            }
            if (initialBackoff.isNegative() || initialBackoff.isZero()) {
                throw new IllegalArgumentException(
                        "writeRetry initialBackoff must be positive but was " + initialBackoff);
            }
            this.writeAttempts = maxAttempts;
            this.writeBackoff = initialBackoff;
            return this;
        }

        /**
         * The table of the instances' heartbeats; default {@code <table>-instances}. Stores with
         * different key prefixes may share it.
         */
        public Builder heartbeatTable(String name) {
            this.heartbeatTable = tableName("heartbeatTable", name);
            return this;
        }

        /**
         * Builds the store; makes no call.
         *
         * @throws IllegalArgumentException when the default heartbeat table name would be too long
         */
        public DynamoDbFlagStore build() {
            String heartbeats = heartbeatTable;
            if (heartbeats == null) {
                heartbeats = table + "-instances";
                if (!TABLE.matcher(heartbeats).matches()) {
                    throw new IllegalArgumentException("table name '" + table
                            + "' is too long to derive the heartbeat table name from; set heartbeatTable(...)");
                }
            }
            return new DynamoDbFlagStore(this, heartbeats);
        }

        private static String tableName(String what, String name) {
            Objects.requireNonNull(name, what);
            if (!TABLE.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        what + " name must be 3 to 255 letters, digits, '_', '-' or '.' but was '" + name + "'");
            }
            return name;
        }
    }
}
