package dev.cutover.replication.kafka.internal;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.replication.Change;
import dev.cutover.replication.kafka.KafkaQueueRejection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of a queue: one thread owns the {@link KafkaConsumer} (which is not
 * thread-safe) and feeds a buffer that any number of worker threads take from.
 *
 * <p><b>What it guarantees, and why.</b>
 *
 * <ul>
 *   <li><b>An offset is committed only after every record before it in its partition was
 *       acknowledged.</b> Every fetched record enters its partition's {@link PartitionLedger} in
 *       offset order before a worker can see it, and the ledger's committable offset is the first
 *       record not acknowledged. Commits are made by this thread alone, synchronously, at most every
 *       commit interval, when a partition is revoked, and at close.
 *   <li><b>A rebalance neither loses nor stalls a partition.</b> On revocation the thread commits
 *       what is complete, ends the ledger (so later acknowledgements of its records change nothing
 *       and can never commit an offset this consumer no longer owns) and drops its buffered
 *       records; the new owner reads from the committed offset, so every record not acknowledged
 *       comes again (the versioned apply absorbs what is applied twice). A lost partition (this
 *       member was expelled) is dropped the same way without a commit. A new assignment starts a
 *       new ledger.
 *   <li><b>A record that is not a change never blocks its partition.</b> It is handed to the
 *       {@link RejectionRecorder}, which records it with its position and then acknowledges it.
 *   <li><b>A worker that never acknowledges does not stall its partition for good.</b> Records
 *       held past the acknowledgement timeout are handed out again.
 *   <li><b>Bounded memory.</b> When the buffer holds {@code buffered} records the thread pauses
 *       every assigned partition, and resumes at half; it keeps polling meanwhile (every 2 ms, so
 *       that it resumes as soon as the workers have drained half), and the member stays in its
 *       group.
 * </ul>
 *
 * <p>Started by the first {@code poll} of the queue, so that a queue that only sends never joins
 * the group and holds no partition. {@link #close} commits what is complete and leaves the group,
 * so the partitions move at once rather than after the session timeout.
 */
public final class ConsumerLoop {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.kafka.KafkaChangeQueue");
    private static final Duration POLL = Duration.ofMillis(100);
    /** While paused a poll fetches nothing: it only waits, so it waits briefly and the buffer is checked again. */
    private static final Duration PAUSED_POLL = Duration.ofMillis(2);

    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    private static final long ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final QueueSettings settings;
    private final QueueCounters counters;
    private final RejectionRecorder recorder;
    private final Clock clock;
    private final LinkedBlockingQueue<Fetched> ready = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();
    private final Thread thread;
    private final long ackTimeoutNanos;
    private final long commitIntervalNanos;
    private @Nullable KafkaConsumer<byte[], byte[]> consumer;
    private boolean paused;
    private long lastCommit;
    private long lastExpiryScan;
    private volatile boolean started;
    private volatile boolean closing;
    private volatile boolean stalled;
    private volatile long depth = -1;
    private volatile int partitions;

    public ConsumerLoop(QueueSettings settings, QueueCounters counters, RejectionRecorder recorder) {
        this.settings = settings;
        this.counters = counters;
        this.recorder = recorder;
        this.clock = settings.clock();
        this.ackTimeoutNanos = settings.ackTimeout().toNanos();
        this.commitIntervalNanos = settings.commitInterval().toNanos();
        this.thread = DaemonThreads.newThread("cutover-kafka-consumer-" + settings.name(), this::run);
    }

    /** Creates the consumer and starts the thread, once; later calls do nothing. */
    public synchronized void ensureStarted() {
        if (started || closing) {
            return;
        }
        consumer = new KafkaConsumer<>(settings.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        started = true;
        thread.start();
    }

    /**
     * Up to {@code max} records for one worker: waits up to {@code maxWait} for the first, then up
     * to {@code linger} for more. Each is held by the caller until acknowledged.
     */
    public List<Fetched> take(int max, Duration maxWait, Duration linger) throws InterruptedException {
        List<Fetched> out = new ArrayList<>(Math.min(max, 1024));
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (out.isEmpty()) {
            long left = deadline - System.nanoTime();
            Fetched f = left > 0 ? ready.poll(left, TimeUnit.NANOSECONDS) : ready.poll();
            if (f == null) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while polling");
                }
                return out;
            }
            hand(f, out);
        }
        drainInto(out, max);
        long lingerEnd = System.nanoTime() + linger.toNanos();
        while (out.size() < max) {
            long left = lingerEnd - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Fetched f = ready.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                break;
            }
            hand(f, out);
            drainInto(out, max);
        }
        counters.delivered.add(out.size());
        return out;
    }

    private void drainInto(List<Fetched> out, int max) {
        while (out.size() < max) {
            Fetched f = ready.poll();
            if (f == null) {
                return;
            }
            hand(f, out);
        }
    }

    private void hand(Fetched f, List<Fetched> out) {
        if (f.ledger.take(f, System.nanoTime())) {
            out.add(f);
        }
    }

    /** Acknowledges records a worker held; those of an ended assignment change nothing. */
    public void ack(List<Fetched> held) {
        for (Fetched f : held) {
            if (f.ledger.ack(f)) {
                counters.acknowledged.increment();
            }
        }
    }

    /**
     * Records fetched and not acknowledged plus the lag of the assigned partitions (known to the
     * consumer from its last fetch, no call made); -1 before the first fetch of every assigned
     * partition, or without an assignment.
     */
    public long depth() {
        return depth;
    }

    /** Partitions assigned now. */
    public int partitions() {
        return partitions;
    }

    /**
     * For tests: stops (true) or resumes (false) this thread's polling, as a process that hangs
     * would; its heartbeats go on until the consumer's {@code max.poll.interval.ms} expels it.
     */
    public void stall(boolean stall) {
        this.stalled = stall;
        LockSupport.unpark(thread);
    }

    /** Commits what is complete, leaves the group and stops the thread, waiting up to {@code timeout}. */
    public boolean close(Duration timeout) {
        synchronized (this) {
            closing = true;
            if (!started) {
                return true;
            }
        }
        stalled = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        LockSupport.unpark(thread);
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void run() {
        KafkaConsumer<byte[], byte[]> c = requireConsumer();
        try {
            c.subscribe(List.of(settings.topic()), new Rebalance(c));
            while (!closing) {
                if (stalled) {
                    LockSupport.parkNanos(POLL.toNanos());
                    continue;
                }
                try {
                    round(c);
                } catch (WakeupException e) {
                    // close() woke the poll; the loop condition decides
                } catch (InterruptException e) {
                    Thread.interrupted();
                    if (!closing) {
                        LOG.warn("kafka queue '{}': the consumer thread was interrupted; polling on", settings.name());
                    }
                } catch (KafkaException e) {
                    LOG.warn(
                            "kafka queue '{}': polling failed with {}: {}; trying again",
                            settings.name(),
                            e.getClass().getName(),
                            e.getMessage());
                    LockSupport.parkNanos(ERROR_PAUSE_NANOS);
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("kafka queue '{}': the consumer thread stopped on {}", settings.name(), e.toString(), e);
            throw e;
        } finally {
            shutDown(c);
        }
    }

    private KafkaConsumer<byte[], byte[]> requireConsumer() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) {
            throw new IllegalStateException("consumer thread started without a consumer");
        }
        return c;
    }

    private void round(KafkaConsumer<byte[], byte[]> c) {
        ConsumerRecords<byte[], byte[]> records = c.poll(paused ? PAUSED_POLL : POLL);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            accept(r);
        }
        long now = System.nanoTime();
        if (now - lastExpiryScan >= Math.min(ackTimeoutNanos / 4, TimeUnit.SECONDS.toNanos(1))) {
            lastExpiryScan = now;
            redeliverExpired(now);
        }
        if (now - lastCommit >= commitIntervalNanos) {
            lastCommit = now;
            commit(c, completed(ledgers.values()));
        }
        flowControl(c);
        measure(c);
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        // the consumer returns records only of partitions it holds now: one without a ledger gets one,
        // so that no record it returned is ever left out of the ledger that its commits are made from
        PartitionLedger ledger = ledgers.computeIfAbsent(tp, PartitionLedger::new);
        Change change;
        try {
            change = ChangeCodec.decode(r.value());
        } catch (ChangeCodec.NotAChange e) {
            Fetched poison = ledger.add(r.offset(), null);
            counters.poison.increment();
            recorder.record(
                    new KafkaQueueRejection(
                            KafkaQueueRejection.Kind.POISON,
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            ChangeCodec.keyText(r.key()),
                            e.getMessage(),
                            clock.instant()),
                    () -> ledger.ack(poison));
            return;
        }
        ready.add(ledger.add(r.offset(), change));
    }

    private void redeliverExpired(long now) {
        for (PartitionLedger ledger : ledgers.values()) {
            List<Fetched> expired = ledger.expired(now, ackTimeoutNanos);
            if (!expired.isEmpty()) {
                counters.redelivered.add(expired.size());
                ready.addAll(expired);
                LOG.warn(
                        "kafka queue '{}': {} records of {} held past the acknowledgement timeout of {}; handing them out again",
                        settings.name(),
                        expired.size(),
                        ledger.partition(),
                        settings.ackTimeout());
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> completed(Collection<PartitionLedger> of) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionLedger ledger : of) {
            long offset = ledger.committable();
            if (offset >= 0) {
                offsets.put(ledger.partition(), new OffsetAndMetadata(offset));
            }
        }
        return offsets;
    }

    /** Commits synchronously; a failure is logged and the next interval tries again. */
    private void commit(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            c.commitSync(offsets, COMMIT_TIMEOUT);
            counters.commits.increment();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                PartitionLedger ledger = ledgers.get(e.getKey());
                if (ledger != null) {
                    ledger.committed(e.getValue().offset());
                }
            }
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            counters.commitFailures.increment();
            LOG.warn(
                    "kafka queue '{}': committing offsets {} failed with {}: {}; the next commit tries again",
                    settings.name(),
                    offsets,
                    e.getClass().getName(),
                    e.getMessage());
        }
    }

    private void flowControl(KafkaConsumer<byte[], byte[]> c) {
        int buffered = ready.size();
        if (buffered >= settings.buffered()) {
            paused = true;
            c.pause(c.assignment()); // again each round: partitions assigned since are paused too
        } else if (paused && buffered <= settings.buffered() / 2) {
            paused = false;
            c.resume(c.paused());
        }
    }

    private void measure(KafkaConsumer<byte[], byte[]> c) {
        Set<TopicPartition> assigned = c.assignment();
        partitions = assigned.size();
        if (assigned.isEmpty()) {
            depth = -1;
            return;
        }
        long total = 0;
        for (TopicPartition tp : assigned) {
            OptionalLong lag = c.currentLag(tp);
            PartitionLedger ledger = ledgers.get(tp);
            if (lag.isEmpty() || ledger == null) {
                depth = -1;
                return;
            }
            total += lag.getAsLong() + ledger.unacknowledged();
        }
        depth = total;
    }

    private void shutDown(KafkaConsumer<byte[], byte[]> c) {
        try {
            if (!Thread.currentThread().isInterrupted()) {
                commit(c, completed(ledgers.values()));
            }
        } catch (RuntimeException e) {
            LOG.warn("kafka queue '{}': the last commit failed with {}", settings.name(), e.toString());
        }
        Thread.interrupted();
        try {
            c.close(CloseOptions.timeout(settings.closeTimeout()));
        } catch (RuntimeException e) {
            LOG.warn("kafka queue '{}': closing the consumer failed with {}", settings.name(), e.toString());
        }
        for (PartitionLedger ledger : ledgers.values()) {
            ledger.revoke();
        }
        ledgers.clear();
        ready.clear();
        depth = -1;
        partitions = 0;
    }

    /** Runs on this thread, inside {@code poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;

        Rebalance(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition tp : assigned) {
                // a partition assigned again without having been revoked keeps its ledger
                ledgers.computeIfAbsent(tp, PartitionLedger::new);
            }
            counters.assigned.add(assigned.size());
            if (!assigned.isEmpty()) {
                LOG.info("kafka queue '{}': assigned {}", settings.name(), assigned);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            end(revoked, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            end(lost, false);
        }

        private void end(Collection<TopicPartition> ended, boolean commit) {
            if (ended.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            List<PartitionLedger> gone = new ArrayList<>();
            for (TopicPartition tp : ended) {
                PartitionLedger ledger = ledgers.remove(tp);
                if (ledger == null) {
                    continue;
                }
                int open = ledger.unacknowledged();
                long offset = ledger.revoke();
                if (offset >= 0) {
                    offsets.put(tp, new OffsetAndMetadata(offset));
                }
                counters.released.add(open);
                gone.add(ledger);
            }
            ready.removeIf(f -> f.ledger.revoked());
            counters.revoked.add(gone.size());
            if (commit) {
                // what is complete; a failure leaves it to the new owner, who reads it again
                commit(consumer, offsets);
            }
            LOG.info(
                    "kafka queue '{}': {} {}{}",
                    settings.name(),
                    commit ? "revoked" : "lost",
                    ended,
                    commit ? ", committed " + offsets : "");
        }
    }
}
