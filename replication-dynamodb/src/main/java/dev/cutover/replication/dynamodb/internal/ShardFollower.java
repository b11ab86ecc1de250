package dev.cutover.replication.dynamodb.internal;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.ChangeHandler;
import dev.cutover.replication.spi.ShardCheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * Follows the shards of one DynamoDB Stream, several at once, delivering their records as changes.
 *
 * <p>Design. A coordinating thread (1) describes the stream when due ({@link
 * StreamSettings#describeEvery}, or at once after a shard ended), works out this reader's fair
 * share and leases the shards it may read ({@link ShardLeases}: parents before children, so a
 * key's records are delivered in the order the table wrote them even across a split); (2) renews
 * its presence and its leases every third of the lease time, dropping any another reader took;
 * (3) hands each held shard that nobody reads to a pool of {@link StreamSettings#threads} threads.
 * A pool thread reads one batch of its shard, checks the lease is still held, hands the changes to
 * the handler, and only after it returns checkpoints the last sequence number, conditioned on still
 * owning the shard; a shard that gave records goes to the back of the pool's queue, so every shard
 * gets its turn. A crash, a lost lease or a failing handler therefore delivers records again,
 * never skips them (at least once). A shard without a checkpoint starts at {@code TRIM_HORIZON}; a
 * checkpointed one resumes {@code AFTER_SEQUENCE_NUMBER}, which is also how an expired iterator is
 * replaced. A shard whose iterator ends is marked finished and released. Failures back off
 * exponentially with jitter up to {@link StreamSettings#maxBackoff}, per shard; a failing handler
 * gets the same batch again after the backoff. {@link #close()} stops the threads (interrupting a
 * handler that does not return within the close timeout) and releases the leases so another
 * reader can take over at once.
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
    private final ExecutorService pool;
    private volatile boolean closed;
    private volatile boolean describeNow;

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
        this.pool = Executors.newFixedThreadPool(
                settings.threads(), DaemonThreads.numbered("cutover-ddb-shard-" + settings.consumer() + "-"));
    }

    /** Starts the threads. */
    public void start() {
        thread.start();
    }

    private void run() {
        long backoff = s.pollInterval().toNanos();
        long nextDescribe = System.nanoTime();
        long nextRenew = System.nanoTime();
        try {
            while (!closed) {
                try {
                    if (System.nanoTime() - nextRenew >= 0) {
                        leases.renew(); // the presence slot first, so the fair share counts this reader
                        nextRenew = System.nanoTime() + s.lease().toNanos() / 3;
                    }
                    if (describeNow || System.nanoTime() - nextDescribe >= 0) {
                        describeNow = false;
                        Map<String, @Nullable String> parents = StreamShards.describe(streams, s.streamArn());
                        leases.balance(parents);
                        leases.claim(parents);
                        nextDescribe = System.nanoTime() + s.describeEvery().toNanos();
                    }
                    for (String shardId : leases.ids()) {
                        ShardLeases.Held o = leases.held(shardId);
                        if (o != null && System.nanoTime() - o.notBefore >= 0 && o.busy.compareAndSet(false, true)) {
                            submit(shardId, o);
                        }
                    }
                    backoff = s.pollInterval().toNanos();
                    park(s.pollInterval().toNanos());
                } catch (Exception e) {
                    if (closed) {
                        break;
                    }
                    counters.errors.increment();
                    long jittered = jitter(backoff);
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
            stopPool();
            leases.releaseAll();
        }
    }

    private void submit(String shardId, ShardLeases.Held o) {
        try {
            pool.execute(() -> readShard(shardId, o));
        } catch (RejectedExecutionException e) {
            o.busy.set(false); // closing
        }
    }

    /** One turn of a pool thread on one shard; requeues the shard while it gives records. */
    private void readShard(String id, ShardLeases.Held o) {
        Round round = Round.NOTHING;
        try {
            round = closed ? Round.NOTHING : readOnce(id, o);
            o.failures = 0;
        } catch (Exception e) {
            counters.errors.increment();
            long wait = jitter(Math.min(
                    s.pollInterval().toNanos() << Math.min(o.failures, 20),
                    s.maxBackoff().toNanos()));
            o.failures++;
            o.notBefore = System.nanoTime() + wait;
            LOG.warn(
                    "{}: reading shard {} failed ({}); retrying in {} ms",
                    s.consumer(),
                    id,
                    e.toString(),
                    wait / 1_000_000);
        }
        if (round == Round.ENDED) {
            describeNow = true; // its children may be readable now
            LockSupport.unpark(thread);
        }
        if (o.releasing && leases.held(id) == o) {
            try {
                leases.release(id); // handed over after its last checkpoint
            } catch (Exception e) {
                LOG.warn(
                        "{}: could not hand over shard {} ({}); it frees when its lease expires",
                        s.consumer(),
                        id,
                        e.toString());
            }
            return;
        }
        if (round == Round.RECORDS && !closed && leases.held(id) == o) {
            submit(id, o); // more may be waiting: back of the queue, so other shards get their turn
        } else {
            o.busy.set(false);
        }
    }

    private Round readOnce(String id, ShardLeases.Held o) throws Exception {
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
            if (!deliver(id, o, converter.changes(id, records))) {
                return Round.NOTHING; // closing or lost: not checkpointed, delivered again by the next reader
            }
            counters.records.add(records.size());
            if (!leases.checkpoint(
                    id, o, records.get(records.size() - 1).dynamodb().sequenceNumber())) {
                return Round.NOTHING;
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

    /**
     * Hands {@code changes} to the handler until it takes them, each attempt only while the shard's
     * lease is still held; false when closed or the lease was lost meanwhile.
     */
    private boolean deliver(String shardId, ShardLeases.Held o, List<Change> changes) throws Exception {
        if (changes.isEmpty()) {
            return leases.stillHeld(shardId, o);
        }
        long backoff = s.pollInterval().toNanos();
        while (!closed) {
            if (!leases.stillHeld(shardId, o)) {
                return false; // another reader took it: it delivers these from the checkpoint
            }
            try {
                handler.handle(changes);
                counters.delivered.add(changes.size());
                return true;
            } catch (Exception e) {
                if (closed) {
                    return false;
                }
                counters.handlerFailures.increment();
                long jittered = jitter(backoff);
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

    private static long jitter(long nanos) {
        return (long) (nanos * (0.5 + ThreadLocalRandom.current().nextDouble()));
    }

    private void park(long nanos) {
        long wakeAt = System.nanoTime() + nanos;
        while (!closed && !describeNow && System.nanoTime() - wakeAt < 0) {
            LockSupport.parkNanos(wakeAt - System.nanoTime());
        }
    }

    /** Stops the pool: lets running batches finish up to the close timeout, then interrupts them. */
    private void stopPool() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(s.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The shards this reader holds now. */
    public Set<String> ownedShards() {
        return leases.ids();
    }

    /** Whether the reader's threads run. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops the threads, interrupting a handler that does not return in the close timeout, and waits. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            pool.shutdown();
            return;
        }
        try {
            thread.join(s.closeTimeout().toMillis() + Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
