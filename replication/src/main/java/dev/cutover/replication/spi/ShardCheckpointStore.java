package dev.cutover.replication.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where stream readers ({@code DynamoDbStreamReader} in cutover-replication-dynamodb) keep, per stream shard, how far they got and who reads it:
 * the last sequence number delivered, whether the shard was read to its end, and a lease (an owner
 * and an expiry) so that two readers never read one shard at once.
 *
 * <pre>{@code
 * ShardCheckpointStore checkpoints = new InMemoryShardCheckpointStore();            // one process, tests
 * ShardCheckpointStore shared = DynamoDbShardCheckpointStore.builder(dynamoDb, "cutover-checkpoints").build();
 * }</pre>
 *
 * <p><b>Contract for implementations.</b> Each method is one atomic step on one shard's record
 * (a conditional write, never a read followed by a write). A lease is granted when the shard has
 * no owner, when its lease expired before {@code now}, or to its current owner (a renewal);
 * {@link #checkpoint} and {@link #finish} succeed only for the current owner, whether or not its
 * lease ran out meanwhile, as long as nobody else took it. Times are the caller's, so expiry is
 * judged by the reader's clock: keep leases much longer than the readers' clock skew. Thread-safe;
 * any number of processes may share one store.
 *
 * @since 0.1.0
 */
public interface ShardCheckpointStore {

    /**
     * Takes or renews the lease of {@code shard} for {@code owner} until {@code until}.
     *
     * @return the shard's checkpoint when {@code owner} now holds the lease; empty when another
     *     owner holds a lease that has not expired at {@code now}
     */
    Optional<Checkpoint> lease(Shard shard, String owner, Instant now, Instant until) throws Exception;

    /**
     * Records that every record of {@code shard} up to {@code sequenceNumber} was delivered, and
     * extends the lease to {@code until}.
     *
     * @return false when {@code owner} no longer holds the shard (another reader took it)
     */
    boolean checkpoint(Shard shard, String owner, String sequenceNumber, Instant until) throws Exception;

    /**
     * Records that {@code shard} was read to its end, so its children may be read.
     *
     * @return false when {@code owner} no longer holds the shard
     */
    boolean finish(Shard shard, String owner) throws Exception;

    /** Gives up {@code owner}'s lease of {@code shard}, so another reader may take it at once. */
    void release(Shard shard, String owner) throws Exception;

    /** The shard's checkpoint, or empty if it was never leased. */
    Optional<Checkpoint> read(Shard shard) throws Exception;

    /**
     * One shard of one stream, as one consumer reads it: two consumers (say, two migrations) of
     * the same stream keep separate checkpoints.
     *
     * @param consumer the consumer's name
     * @param streamArn the stream's ARN
     * @param shardId the shard's id
     * @since 0.1.0
     */
    record Shard(String consumer, String streamArn, String shardId) {
        public Shard {
            Objects.requireNonNull(consumer, "consumer");
            Objects.requireNonNull(streamArn, "streamArn");
            Objects.requireNonNull(shardId, "shardId");
        }

        /** One string naming the shard, for a store's key and for logs. */
        public String id() {
            return consumer + "|" + streamArn + "|" + shardId;
        }
    }

    /**
     * The state of one shard.
     *
     * @param sequenceNumber the last sequence number delivered, or null when none was yet
     * @param finished whether the shard was read to its end
     * @param owner the reader holding the lease, or null when released
     * @param leaseUntil when the lease expires
     * @since 0.1.0
     */
    record Checkpoint(
            @Nullable String sequenceNumber,
            boolean finished,
            @Nullable String owner,
            Instant leaseUntil) {
        public Checkpoint {
            Objects.requireNonNull(leaseUntil, "leaseUntil");
        }
    }
}
