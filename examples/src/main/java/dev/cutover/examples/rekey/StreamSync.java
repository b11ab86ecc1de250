package dev.cutover.examples.rekey;

import dev.cutover.replication.Change;
import dev.cutover.replication.KeyNormalizer;
import dev.cutover.replication.KeyNormalizerCollisions;
import dev.cutover.replication.dynamodb.DynamoDbShardCheckpointStore;
import dev.cutover.replication.dynamodb.DynamoDbStreamReader;
import dev.cutover.replication.dynamodb.DynamoDbVersionedTarget;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import dev.cutover.replication.dynamodb.StreamReaderCounts;
import dev.cutover.replication.spi.ApplyOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Keeps the new table in sync with the old one: the seed story's Lambda on the table's stream,
 * here a {@link DynamoDbStreamReader} in the migration's process. Each record becomes a change
 * keyed by the normalized id, applied through the versioned apply; the outcomes are counted.
 */
final class StreamSync implements AutoCloseable {
    static final String CHECKPOINTS = "cutover-checkpoints";

    private final DynamoDbVersionedTarget target;
    private final DynamoDbStreamReader reader;
    /** Old ids of the stream that normalize to one new key: reported, as in the backfill. */
    private final KeyNormalizerCollisions collisions = KeyNormalizerCollisions.create(c -> {});

    private final LongAdder applied = new LongAdder();
    private final LongAdder superseded = new LongAdder();
    private final LongAdder duplicate = new LongAdder();

    StreamSync(
            DynamoDbClient dynamoDb,
            DynamoDbStreamsClient streams,
            String streamArn,
            DynamoDbVersionedTarget target,
            KeyNormalizer keys) {
        this.target = target;
        // Checkpoints in a table of their own: a restarted reader carries on after the last record
        // it handed over instead of reading the stream again from its oldest record.
        DynamoDbShardCheckpointStore checkpoints =
                DynamoDbShardCheckpointStore.builder(dynamoDb, CHECKPOINTS).build();
        checkpoints.createTableIfMissing();
        ItemKey normalizedId = item -> {
            String id = ItemKey.attribute("id").of(item);
            String key = keys.normalize(id);
            collisions.record(id, key);
            return key;
        };
        this.reader = DynamoDbStreamReader.builder(streams, streamArn, this::apply)
                .key(normalizedId)
                .version(ItemVersion.attribute("version")) // a delete gets the old image's version + 1
                .checkpoints(checkpoints)
                .consumer("orders-to-orders-v2")
                .pollInterval(Duration.ofMillis(50))
                .describeEvery(Duration.ofSeconds(1))
                .build();
    }

    /** Starts following the stream from its oldest record. */
    void start() {
        reader.start();
    }

    /** The handler: the versioned apply, counted by outcome. */
    private void apply(List<Change> changes) throws InterruptedException {
        for (ApplyOutcome outcome : target.apply(changes)) {
            switch (outcome) {
                case APPLIED -> applied.increment();
                case SUPERSEDED -> superseded.increment();
                case DUPLICATE -> duplicate.increment();
            }
        }
    }

    /**
     * Waits until the reader has handed over at least {@code records} records: as many as the old
     * table had put in its stream when asked.
     *
     * @return whether it did within {@code bound}
     */
    boolean awaitCaughtUp(long records, Duration bound) {
        long end = System.nanoTime() + bound.toNanos();
        while (reader.counts().records() < records) {
            if (System.nanoTime() > end) {
                return false;
            }
            LockSupport.parkNanos(10_000_000L);
        }
        return true;
    }

    StreamReaderCounts counts() {
        return reader.counts();
    }

    long applied() {
        return applied.sum();
    }

    long superseded() {
        return superseded.sum();
    }

    long duplicates() {
        return duplicate.sum();
    }

    long collisions() {
        return collisions.collisionCount();
    }

    @Override
    public void close() {
        reader.close();
    }
}
