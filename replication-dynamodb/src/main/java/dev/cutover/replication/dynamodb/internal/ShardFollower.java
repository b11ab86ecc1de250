package dev.cutover.replication.dynamodb.internal;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.ChangeHandler;
import dev.cutover.replication.spi.ShardCheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Follows the shards of one DynamoDB Stream on one thread, delivering their records as changes.
 *
 * <p>Design. One thread owns all mutable state except the set of held shards, which others
 * only read. Each round it (1) describes the stream when due ({@link StreamSettings#describeEvery},
 * or at once after a shard ended) and leases the shards it may read ({@link ShardLeases}: parents
 * before children, so a key's records are delivered in the order the table wrote them even
 * across a split); (2) renews
 * its leases every third of the lease time, dropping any another reader took; (3) reads one batch
 * of each owned shard, hands the changes to the handler, and only after it returns checkpoints the
 * last sequence number, conditioned on still owning the shard. A crash, a lost lease or a failing
 * handler therefore delivers records again, never skips them (at least once). A shard without a
 * checkpoint starts at {@code TRIM_HORIZON}; a checkpointed one resumes {@code
 * AFTER_SEQUENCE_NUMBER}, which is also how an expired iterator is replaced. A shard whose
 * iterator ends is marked finished and released. Failures back off exponentially with jitter up
 * to {@link StreamSettings#maxBackoff}; a failing handler gets the same batch again after the
 * backoff. {@link #close()} stops the thread (interrupting it if the handler does not return
 * within the close timeout) and releases the leases so another reader can take over at once.
 */
public final class ShardFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardFollower.class);

    private final DynamoDbStreamsClient streams;
    private final ChangeHandler handler;
    private final RecordChanges converter;
    private final StreamSettings s;
    private final StreamCounters counters;
    private final ShardLeases leases;
    private final Thread thread;
    private volatile boolean closed;

    /** What one read of a shard came to. */
    private enum Round {
        NOTHING,
        RECORDS,
        ENDED
    }

    public ShardFollower(
            DynamoDbStreamsClient streams,
            ShardCheckpointStore store,
            ChangeHandler handler,
            RecordChanges converter,
            StreamSettings settings,
            StreamCounters counters) {
        this.streams = streams;
        this.handler = handler;
        this.converter = converter;
        this.s = settings;
        this.counters = counters;
        this.leases = new ShardLeases(store, settings, counters);
        this.thread = DaemonThreads.newThread("cutover-ddb-stream-" + settings.consumer(), this::run);
    }

    /** Starts the thread. */
    public void start() {
        thread.start();
    }

    private void run() {
        long backoff = s.pollInterval().toNanos();
        long nextDescribe = System.nanoTime();
        long nextRenew = System.nanoTime() + s.lease().toNanos() / 3;
        try {
            while (!closed) {
                try {
                    if (System.nanoTime() - nextDescribe >= 0) {
                        leases.claim(StreamShards.describe(streams, s.streamArn()));
                        nextDescribe = System.nanoTime() + s.describeEvery().toNanos();
                    }
                    if (System.nanoTime() - nextRenew >= 0) {
                        leases.renew();
                        nextRenew = System.nanoTime() + s.lease().toNanos() / 3;
                    }
                    boolean read = false;
                    for (String shardId : leases.ids()) {
                        Round round = closed ? Round.NOTHING : readOnce(shardId);
                        read |= round == Round.RECORDS;
                        if (round == Round.ENDED) {
                            nextDescribe = System.nanoTime(); // its children may be readable now
                        }
                    }
                    backoff = s.pollInterval().toNanos();
                    if (!read) {
                        park(s.pollInterval().toNanos());
                    }
                } catch (Exception e) {
                    if (closed) {
                        break;
                    }
                    counters.errors.increment();
                    long jittered =
                            (long) (backoff * (0.5 + ThreadLocalRandom.current().nextDouble()));
                    LOG.warn(
                            "{}: stream read failed ({}); retrying in {} ms",
                            s.consumer(),
                            e.toString(),
                            jittered / 1_000_000);
                    park(jittered);
                    backoff = Math.min(backoff * 2, s.maxBackoff().toNanos());
                }
            }
        } finally {
            leases.releaseAll();
        }
    }

    private Round readOnce(String id) throws Exception {
        ShardLeases.Held o = leases.held(id);
        if (o == null) {
            return Round.NOTHING;
        }
        if (o.iterator == null) {
            o.iterator = open(id, o.sequence);
        }
        GetRecordsResponse r;
        try {
            String iterator = o.iterator;
            r = iterator == null
                    ? null
                    : streams.getRecords(b -> b.shardIterator(iterator).limit(s.batchSize()));
        } catch (ExpiredIteratorException e) {
            counters.expiredIterators.increment();
            LOG.info("{}: iterator of shard {} expired; resuming after its checkpoint", s.consumer(), id);
            o.iterator = null;
            return Round.NOTHING;
        } catch (TrimmedDataAccessException e) {
            o.iterator = null; // reopening finds out how much was trimmed
            return Round.NOTHING;
        } catch (ResourceNotFoundException e) {
            LOG.warn("{}: shard {} is gone from the stream ({})", s.consumer(), id, e.getMessage());
            leases.drop(id);
            return Round.ENDED;
        }
        List<Record> records = r == null ? List.of() : r.records();
        if (!records.isEmpty()) {
            if (!deliver(id, converter.changes(id, records))) {
                return Round.NOTHING; // closing: not checkpointed, delivered again by the next reader
            }
            counters.records.add(records.size());
            if (!leases.checkpoint(
                    id, records.get(records.size() - 1).dynamodb().sequenceNumber())) {
                return Round.RECORDS;
            }
        }
        o.iterator = r == null ? null : r.nextShardIterator();
        if (o.iterator == null) {
            leases.finish(id);
            return Round.ENDED;
        }
        return records.isEmpty() ? Round.NOTHING : Round.RECORDS;
    }

    private @Nullable String open(String id, @Nullable String sequence) {
        try {
            return streams.getShardIterator(b -> {
                        b.streamArn(s.streamArn()).shardId(id);
                        if (sequence == null) {
                            b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                        } else {
                            b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                    .sequenceNumber(sequence);
                        }
                    })
                    .shardIterator();
        } catch (TrimmedDataAccessException e) {
            counters.trimmed.increment();
            LOG.error(
                    "{}: records of shard {} after checkpoint {} were trimmed from the stream before delivery; "
                            + "reading on from the oldest record kept. Keys written meanwhile need a backfill or a repair",
                    s.consumer(),
                    id,
                    sequence);
            return streams.getShardIterator(b ->
                            b.streamArn(s.streamArn()).shardId(id).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
        }
    }

    /** Hands {@code changes} to the handler until it takes them; false when closed meanwhile. */
    private boolean deliver(String shardId, List<Change> changes) {
        if (changes.isEmpty()) {
            return true;
        }
        long backoff = s.pollInterval().toNanos();
        while (!closed) {
            try {
                handler.handle(changes);
                counters.delivered.add(changes.size());
                return true;
            } catch (Exception e) {
                if (closed) {
                    return false;
                }
                counters.handlerFailures.increment();
                long jittered =
                        (long) (backoff * (0.5 + ThreadLocalRandom.current().nextDouble()));
                LOG.warn(
                        "{}: handler failed on {} changes of shard {} ({}); delivering them again in {} ms",
                        s.consumer(),
                        changes.size(),
                        shardId,
                        e.toString(),
                        jittered / 1_000_000);
                park(jittered);
                backoff = Math.min(backoff * 2, s.maxBackoff().toNanos());
            }
        }
        return false;
    }

    private void park(long nanos) {
        long wakeAt = System.nanoTime() + nanos;
        while (!closed && System.nanoTime() - wakeAt < 0) {
            LockSupport.parkNanos(wakeAt - System.nanoTime());
        }
    }

    /** The shards this reader holds now. */
    public Set<String> ownedShards() {
        return leases.ids();
    }

    /** Whether the thread is running. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the thread, interrupting a handler that does not return in the close timeout, and waits. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return;
        }
        try {
            thread.join(s.closeTimeout().toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(5).toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
