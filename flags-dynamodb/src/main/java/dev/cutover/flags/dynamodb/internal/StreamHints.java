package dev.cutover.flags.dynamodb.internal;

import dev.cutover.flags.spi.ChangeHints;
import dev.cutover.flags.spi.DaemonThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Turns a table's DynamoDB Stream into change hints.
 *
 * <p>Design: one daemon thread follows every shard of the stream. Shards that exist when it starts
 * are read from {@code LATEST}, and one hint is sent once they are open, because a write made
 * before that is not in the stream for this reader; shards discovered later (children of a split, or the next shard
 * after one closes) are read from {@code TRIM_HORIZON}, so no record after a split is missed. A
 * shard whose iterator comes back null is closed and dropped, and the stream is described again
 * to find its children; the stream is also re-described every {@link #DESCRIBE_EVERY}. An expired
 * iterator restarts that shard from {@code LATEST} and sends a hint, because records may have been
 * missed. Errors back off exponentially with jitter. Only records of this store's head item (every
 * write updates it) become hints, so other prefixes sharing the table cause none. Hints are only
 * hints: the client answers each with a head check, and its polling stays on.
 */
public final class StreamHints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamHints.class);
    private static final Duration DESCRIBE_EVERY = Duration.ofSeconds(30);

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String headPartition;
    private final Duration pollEvery;
    private final Duration maxBackoff;
    private final String name;
    private final ChangeHints hints;
    private final Thread thread;
    private volatile boolean closed;
    /** Open shards and their current iterators. */
    private final Map<String, String> iterators = new HashMap<>();
    /** Every shard ever seen, so a described shard is never read twice. */
    private final Set<String> known = new HashSet<>();

    /**
     * Creates the reader; {@link #start()} starts its thread.
     *
     * @param headPartition the partition key of the store's head item
     */
    public StreamHints(
            DynamoDbStreamsClient streams,
            String streamArn,
            String headPartition,
            Duration pollEvery,
            Duration maxBackoff,
            String name,
            ChangeHints hints) {
        this.hints = hints;
        this.streams = streams;
        this.streamArn = streamArn;
        this.headPartition = headPartition;
        this.pollEvery = pollEvery;
        this.maxBackoff = maxBackoff;
        this.name = name;
        this.thread = DaemonThreads.newThread("cutover-flags-ddb-stream", this::run);
    }

    /** Starts following the stream. */
    public void start() {
        thread.start();
    }

    private void run() {
        Duration backoff = pollEvery;
        boolean first = true;
        long nextDescribe = 0;
        while (!closed) {
            try {
                if (iterators.isEmpty() || System.nanoTime() > nextDescribe) {
                    discover(first ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON);
                    if (first) {
                        // a write between subscribe() and these LATEST iterators is not in the stream for us:
                        // one hint makes the client look, as after any gap
                        hint();
                    }
                    first = false;
                    nextDescribe = System.nanoTime() + DESCRIBE_EVERY.toNanos();
                }
                boolean closedShard = false;
                for (Map.Entry<String, String> shard : new HashMap<>(iterators).entrySet()) {
                    closedShard |= readShard(shard.getKey(), shard.getValue());
                }
                if (closedShard) {
                    nextDescribe = 0; // look for the children right away
                }
                backoff = pollEvery;
                park(pollEvery);
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                long jittered = (long)
                        (backoff.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
                LOG.warn("{}: stream read failed ({}); retrying in {} ms", name, e.toString(), jittered);
                park(Duration.ofMillis(jittered));
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    /** Finds shards not seen before and opens an iterator on each. */
    private void discover(ShardIteratorType newShardStart) {
        String lastShard = null;
        do {
            String from = lastShard;
            StreamDescription d = streams.describeStream(
                            r -> r.streamArn(streamArn).exclusiveStartShardId(from))
                    .streamDescription();
            for (Shard shard : d.shards()) {
                if (known.add(shard.shardId())) {
                    boolean closedAlready = shard.sequenceNumberRange() != null
                            && shard.sequenceNumberRange().endingSequenceNumber() != null;
                    ShardIteratorType type = newShardStart;
                    if (type == ShardIteratorType.LATEST && closedAlready) {
                        continue; // a closed shard existing at start holds nothing new
                    }
                    String iterator = streams.getShardIterator(r -> r.streamArn(streamArn)
                                    .shardId(shard.shardId())
                                    .shardIteratorType(type))
                            .shardIterator();
                    if (iterator != null) {
                        iterators.put(shard.shardId(), iterator);
                    }
                }
            }
            lastShard = d.lastEvaluatedShardId();
        } while (lastShard != null);
    }

    /** Reads one batch of a shard; returns true when the shard turned out closed. */
    private boolean readShard(String shardId, String iterator) {
        GetRecordsResponse records;
        try {
            records = streams.getRecords(r -> r.shardIterator(iterator));
        } catch (ExpiredIteratorException e) {
            LOG.info("{}: iterator of shard {} expired; restarting it from LATEST", name, shardId);
            String fresh = streams.getShardIterator(
                            r -> r.streamArn(streamArn).shardId(shardId).shardIteratorType(ShardIteratorType.LATEST))
                    .shardIterator();
            if (fresh != null) {
                iterators.put(shardId, fresh);
            } else {
                iterators.remove(shardId);
            }
            hint(); // records may have been missed meanwhile
            return fresh == null;
        }
        for (Record record : records.records()) {
            if (isOurHead(record)) {
                hint();
                break;
            }
        }
        String next = records.nextShardIterator();
        if (next == null) {
            iterators.remove(shardId);
            return true;
        }
        iterators.put(shardId, next);
        return false;
    }

    private boolean isOurHead(Record record) {
        if (record.dynamodb() == null || !record.dynamodb().hasKeys()) {
            return false;
        }
        @Nullable AttributeValue pk = record.dynamodb().keys().get("pk");
        return pk != null && headPartition.equals(pk.s());
    }

    private void hint() {
        hints.fire();
    }

    private void park(Duration d) {
        long wakeAt = System.nanoTime() + d.toNanos();
        while (!closed && System.nanoTime() < wakeAt) {
            LockSupport.parkNanos(wakeAt - System.nanoTime());
        }
    }

    /** Stops the thread; safe to call from a hint callback. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
