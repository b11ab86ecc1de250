package dev.cutover.replication.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.InMemoryShardCheckpointStore;
import dev.cutover.replication.dynamodb.internal.RecordChanges;
import dev.cutover.replication.dynamodb.internal.ShardFollower;
import dev.cutover.replication.dynamodb.internal.StreamCounters;
import dev.cutover.replication.dynamodb.internal.StreamSettings;
import dev.cutover.replication.dynamodb.internal.StreamShards;
import dev.cutover.replication.dynamodb.internal.TableSettings;
import dev.cutover.replication.spi.ShardCheckpointStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The observer of an old DynamoDB table: follows its stream and hands every write and delete to a
 * {@link ChangeHandler} as {@link dev.cutover.replication.Change}s, at least once,
 * checkpointing each shard after the handler returned.
 *
 * <pre>{@code
 * try (DynamoDbStreamReader reader = DynamoDbStreamReader
 *     .builder(streams, DynamoDbStreamReader.latestStreamArn(dynamoDb, "orders"), target::apply)
 *     .key(ItemKey.attribute("orderId"))
 *     .version(ItemVersion.attribute("version"))
 *     .checkpoints(DynamoDbShardCheckpointStore.builder(dynamoDb, "cutover-checkpoints").build())
 *     .consumer("orders-to-v2")
 *     .build()) {
 *   reader.start();
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Records to changes.</b> {@code INSERT} and {@code MODIFY} become an upsert of the new
 * image; {@code REMOVE}, including a TTL expiry, a delete. The key is made from the record's keys
 * ({@link ItemKey}), the version from the images ({@link ItemVersion}: read there which choice
 * makes replication exact), the payload from the new image (by default the whole image, see
 * {@link DynamoDbJson}). A record that cannot become a change is logged with its shard, sequence
 * number and key, counted ({@link StreamReaderCounts#rejected()}) and left out.
 *
 * <p><b>Shards.</b> The stream is described every {@link Builder#describeEvery} and right after a
 * shard ends. A shard is read only once its parent is finished (or gone from the stream), so a
 * key's records arrive in the order the table wrote them, across splits. Shards without a
 * checkpoint start at the oldest record kept ({@code TRIM_HORIZON}: at most 24 hours, which the
 * versioned apply absorbs); checkpointed shards, and expired iterators, resume after the last
 * sequence number delivered. DynamoDB advises at most two readers per shard at once.
 *
 * <p><b>Several readers.</b> Each shard is leased in the {@link ShardCheckpointStore}, so readers
 * (processes) sharing one store split the shards between them. Each reader also holds a presence
 * lease in the same store (records named {@code cutover-reader-slot-N}), and every describe round
 * works out its fair share: with {@code S} readable shards and {@code R} live readers it holds at
 * most {@code ceil(S / R)}, and while another holds fewer than {@code floor(S / R)} and no shard
 * is free, one above that hands it a shard (released after its last checkpoint); so a reader that
 * joins gets its share within a few describe rounds. A reader that dies stops renewing: its shards are taken by the others once its
 * leases expire ({@link Builder#lease}), from their last checkpoint, so the records it delivered
 * without checkpointing are delivered again (the versioned apply absorbs them). Before each
 * delivery the reader checks it still holds the shard's lease, renewing it when less than a third
 * of it is left, and each checkpoint is conditioned on holding it: a reader never hands over
 * changes of a shard another reader took. Keep a handler call well under a third of the lease.
 *
 * <p><b>Threads.</b> One daemon thread per reader coordinates (describes, balances, renews); a
 * pool of {@link Builder#threads} daemon threads reads the shards, one shard per thread at a time,
 * and calls the handler (thread-safe when {@code threads} is above 1). {@link #close()} stops them and
 * releases the leases. The clients are the application's.
 *
 * @since 0.1.0
 */
public final class DynamoDbStreamReader implements AutoCloseable {
    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final ItemVersion version;
    private final RecordChanges converter;
    private final StreamCounters counters = new StreamCounters();
    private final ShardFollower follower;

    private DynamoDbStreamReader(Builder b, ItemKey key, ItemVersion version) {
        this.streams = b.streams;
        this.streamArn = b.streamArn;
        this.version = version;
        this.converter = new RecordChanges(key, version, b.payload, b.consumer);
        StreamSettings settings = new StreamSettings(
                b.consumer,
                b.streamArn,
                b.owner,
                b.pollInterval,
                b.describeEvery,
                b.lease,
                b.maxBackoff,
                b.batchSize,
                b.maxShards,
                b.threads,
                b.closeTimeout,
                b.clock);
        this.follower = new ShardFollower(streams, b.checkpoints, b.handler, converter, settings, counters);
    }

    /** Starts configuring a reader of the stream {@code streamArn} that hands changes to {@code handler}. */
    public static Builder builder(DynamoDbStreamsClient streams, String streamArn, ChangeHandler handler) {
        return new Builder(streams, streamArn, handler);
    }

    /**
     * The ARN of {@code table}'s current stream.
     *
     * @throws IllegalStateException when the table has no stream enabled
     */
    public static String latestStreamArn(DynamoDbClient dynamoDb, String table) {
        String arn = dynamoDb.describeTable(d -> d.tableName(table)).table().latestStreamArn();
        if (arn == null) {
            throw new IllegalStateException("table " + table + " has no stream: enable one with NEW_AND_OLD_IMAGES");
        }
        return arn;
    }

    /**
     * Checks the stream carries the images needed and starts following it.
     *
     * @throws IllegalStateException when the stream's view type lacks new images, or old images
     *     that the version needs for deletes
     */
    public void start() {
        StreamViewType view = StreamShards.viewType(streams, streamArn);
        boolean newImages = view == StreamViewType.NEW_IMAGE || view == StreamViewType.NEW_AND_OLD_IMAGES;
        if (!newImages || (version.needsOldImage() && view != StreamViewType.NEW_AND_OLD_IMAGES)) {
            throw new IllegalStateException(
                    "stream " + streamArn + " has view type " + view + " but a version from " + version + " needs "
                            + (version.needsOldImage() ? "NEW_AND_OLD_IMAGES" : "NEW_IMAGE or NEW_AND_OLD_IMAGES"));
        }
        follower.start();
    }

    /** Stops the threads, waiting for running handlers up to the close timeout, and releases the shards. */
    @Override
    public void close() {
        follower.close();
    }

    /** Whether the reader's coordinating thread runs. */
    public boolean isRunning() {
        return follower.isRunning();
    }

    /** The shards this reader holds now. */
    public Set<String> ownedShards() {
        return follower.ownedShards();
    }

    /** What the reader did so far. */
    public StreamReaderCounts counts() {
        return new StreamReaderCounts(
                counters.records.sum(),
                counters.delivered.sum(),
                converter.rejected(),
                counters.handlerFailures.sum(),
                counters.expiredIterators.sum(),
                counters.trimmed.sum(),
                counters.lostLeases.sum(),
                counters.errors.sum(),
                follower.ownedShards().size());
    }

    /**
     * Configures a {@link DynamoDbStreamReader}; {@link #key} and {@link #version} are required.
     * Each setting is checked when set, naming a bad value.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final DynamoDbStreamsClient streams;
        private final String streamArn;
        private final ChangeHandler handler;
        private @Nullable ItemKey key;
        private @Nullable ItemVersion version;
        private Function<Map<String, AttributeValue>, JsonNode> payload = DynamoDbJson::toJson;
        private ShardCheckpointStore checkpoints = new InMemoryShardCheckpointStore();
        private String consumer = "cutover";
        private String owner = "reader-" + UUID.randomUUID();
        private Duration pollInterval = Duration.ofMillis(500);
        private Duration describeEvery = Duration.ofSeconds(10);
        private Duration lease = Duration.ofSeconds(30);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private int batchSize = 1000;
        private int maxShards = Integer.MAX_VALUE;
        private int threads = 1;
        private Clock clock = Clock.systemUTC();

        private Builder(DynamoDbStreamsClient streams, String streamArn, ChangeHandler handler) {
            this.streams = Objects.requireNonNull(streams, "streams");
            Objects.requireNonNull(streamArn, "streamArn");
            if (streamArn.isBlank()) {
                throw new IllegalArgumentException("streamArn must not be blank but was '" + streamArn + "'");
            }
            this.streamArn = streamArn;
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** The change key of a record's keys (required). */
        public Builder key(ItemKey key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** The version of a record's images (required); see {@link ItemVersion}. */
        public Builder version(ItemVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** The payload of a new image; default the whole image ({@link DynamoDbJson#toJson(Map)}). */
        public Builder payload(Function<Map<String, AttributeValue>, JsonNode> payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        /**
         * Where shard checkpoints and leases are kept; default in memory, which a restarted process
         * does not find (it reads the stream again from its oldest record).
         */
        public Builder checkpoints(ShardCheckpointStore checkpoints) {
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            return this;
        }

        /** The name checkpoints are kept under, one per migration; default {@code cutover}. */
        public Builder consumer(String consumer) {
            this.consumer = TableSettings.name("consumer", consumer);
            return this;
        }

        /** This reader's name in leases; default {@code reader-} and a random UUID. */
        public Builder owner(String owner) {
            this.owner = TableSettings.name("owner", owner);
            return this;
        }

        /** The wait between rounds that read nothing; default 500 ms. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = TableSettings.positive("pollInterval", pollInterval);
            return this;
        }

        /** How often the stream is described to find new shards; default 10 s. */
        public Builder describeEvery(Duration describeEvery) {
            this.describeEvery = TableSettings.positive("describeEvery", describeEvery);
            return this;
        }

        /** How long a shard's lease lasts unless renewed (every third of it); default 30 s. */
        public Builder lease(Duration lease) {
            this.lease = TableSettings.positive("lease", lease);
            return this;
        }

        /** The longest wait after repeated failures; default 10 s. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = TableSettings.positive("maxBackoff", maxBackoff);
            return this;
        }

        /** How long {@link DynamoDbStreamReader#close()} waits for a running handler; default 10 s. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = TableSettings.positive("closeTimeout", closeTimeout);
            return this;
        }

        /** Records read per {@code GetRecords}, 1 to 1000; default 1000. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException("batchSize must be 1 to 1000 but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Most shards this reader holds at once; default no limit. Readers sharing a checkpoint
         * store balance the shards between them anyway (see the class documentation); this caps one
         * reader below its fair share.
         */
        public Builder maxShards(int maxShards) {
            if (maxShards < 1) {
                throw new IllegalArgumentException("maxShards must be >= 1 but was " + maxShards);
            }
            this.maxShards = maxShards;
            return this;
        }

        /**
         * How many shards this reader reads at once, each on its own pool thread (a shard is never
         * read by two threads); default 1, as in 0.1.0. Above 1 the handler is called from that
         * many threads at once, each with another shard's batch, so it must be thread-safe (the
         * versioned targets' {@code apply} is).
         *
         * @since 0.2.0
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("threads must be 1 to 256 but was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The clock of leases; default the system's UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the reader; makes no call.
         *
         * @throws IllegalStateException when the key or the version was not set
         */
        public DynamoDbStreamReader build() {
            TableSettings.requireKeyAndVersion("a stream reader of " + streamArn, key, version);
            if (lease.compareTo(pollInterval.multipliedBy(3)) < 0) {
                throw new IllegalStateException("lease must be at least 3 poll intervals ("
                        + pollInterval.multipliedBy(3) + ") but was " + lease);
            }
            return new DynamoDbStreamReader(this, Objects.requireNonNull(key), Objects.requireNonNull(version));
        }
    }
}
