package dev.cutover.replication.kafka;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.Change;
import dev.cutover.replication.kafka.internal.ChangeCodec;
import dev.cutover.replication.kafka.internal.ClientProperties;
import dev.cutover.replication.kafka.internal.ConsumerLoop;
import dev.cutover.replication.kafka.internal.Fetched;
import dev.cutover.replication.kafka.internal.QueueCounters;
import dev.cutover.replication.kafka.internal.QueueSettings;
import dev.cutover.replication.kafka.internal.RejectionRecorder;
import dev.cutover.replication.kafka.internal.SendWindow;
import dev.cutover.replication.kafka.internal.TopicCheck;
import dev.cutover.replication.spi.ChangeQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka topic as the {@link ChangeQueue} between a mirror's observer and its versioned apply:
 * changes survive a restart, several processes share the apply, and an offset is committed only
 * after the apply of every change up to it returned.
 *
 * <pre>{@code
 * KafkaChangeQueue queue = KafkaChangeQueue.builder("kafka-1:9092,kafka-2:9092", "orders-changes")
 *     .groupId("orders-mirror")            // leave out in a process that only observes
 *     .journal(failedWrites)               // poison records and undelivered changes, by key
 *     .build();
 * Mirror<OrderEvent> mirror = Mirror.to(newStore).mapping(OrderEvents::toChanges).queue(queue).build();
 * ...
 * mirror.close();
 * queue.close();                           // the mirror does not close its queue
 * }</pre>
 *
 * <h2>Records</h2>
 *
 * Keyed by the change's key (UTF-8), so that a key's changes share a partition; the value is the
 * change as JSON ({@code key}, {@code version}, {@code kind}, {@code payload}), with longs, big
 * decimals (scale kept) and Unicode text exact. A record that is not such a change (another
 * producer's, a malformed one) is <em>poison</em>: it is refused alone, recorded with its {@code
 * topic-partition@offset} and its key if it has one ({@link KafkaQueueRejection}: log, {@linkplain
 * Builder#onRejected listener}, {@linkplain Builder#journal journal}, {@link
 * KafkaQueueCounts#poison() counter}), and then counted as acknowledged, so it never blocks its
 * partition.
 *
 * <h2>Sending: what {@code offer} returning true means</h2>
 *
 * {@link #offer} serializes the change, refuses with an {@link IllegalArgumentException} naming
 * the key one that is over the size limit (the producer's {@code max.request.size} or the topic's
 * {@code max.message.bytes}, whichever is smaller), then waits up to its {@code maxWait} for room
 * among the bytes sent and not acknowledged yet ({@link Builder#maxInFlightBytes}); no room in
 * time returns false, and the mirror records the change as dropped. Otherwise it hands the record
 * to the producer and returns true at once, without waiting for the cluster. <b>True means: the
 * producer holds the record and sends it with {@code acks=all} and idempotence, retrying until
 * {@code delivery.timeout.ms} (2 minutes by default).</b> The record is then either acknowledged
 * by every in-sync replica, or, if the cluster stayed unreachable that long or refused it, recorded
 * as {@link KafkaQueueRejection.Kind#UNDELIVERED} with its key (journal, listener, log, counter):
 * never lost silently. {@link #flush} waits until every accepted change is acknowledged; {@link
 * #close} does that first, within its timeout.
 *
 * <h2>Consuming</h2>
 *
 * The first {@link #poll} starts one consumer thread, which joins the group ({@link
 * Builder#groupId}) and fetches ahead of the workers into a bounded buffer; any number of worker
 * threads poll and acknowledge concurrently. What is guaranteed:
 *
 * <ul>
 *   <li><b>At least once.</b> A partition's offset is committed only up to the first fetched record
 *       not yet {@linkplain #ack acknowledged}: a process that dies (or is killed) after polling
 *       and before acknowledging leaves its records to be read again by the group. A worker of a
 *       live process that holds records past {@link Builder#ackTimeout} gets them handed out again.
 *   <li><b>Rebalances lose and stall nothing.</b> When a partition is revoked the queue commits
 *       what is complete and drops what it fetched and not acknowledged; the partition's new owner
 *       reads that again. A late acknowledgement of such a record commits nothing: the queue no
 *       longer owns the offset. A new member takes its share at once; a member that dies loses its
 *       partitions after the session timeout ({@code session.timeout.ms}, 45 s by default); a member
 *       that closes hands them over at once.
 *   <li><b>Duplicates and order.</b> What is read again is applied again; the versioned apply makes
 *       that a {@code DUPLICATE} (or {@code SUPERSEDED}), never a regression.
 * </ul>
 *
 * {@link #depth()} is the lag of the partitions this process holds (known to the consumer from its
 * fetches, no call made) plus what it fetched and has not acknowledged; -1 before the first fetch
 * or without partitions, and in a queue without a group.
 *
 * <h2>Threads and closing</h2>
 *
 * A queue holds a producer (with its I/O thread), a consumer thread once polled, and one thread that
 * records rejections. {@link #close} flushes, closes the producer, commits what is complete, leaves
 * the group and stops the threads, each within {@link Builder#closeTimeout}. Thread-safe.
 *
 * @since 0.2.0
 */
public final class KafkaChangeQueue implements ChangeQueue, AutoCloseable {
    /** The bytes a record takes beyond its key and value, at most: the batch and record headers. */
    static final int RECORD_OVERHEAD = 128;

    /** The default of {@link Builder#maxInFlightBytes}: 16 MiB. */
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 16L << 20;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Object NO_RECEIPT = new Object();

    private final QueueSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;
    private final int maxRecordBytes;
    private final QueueCounters counters = new QueueCounters();
    private final SendWindow window;
    private final RejectionRecorder recorder;
    private final @Nullable ConsumerLoop consumer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closing = new CountDownLatch(1);

    KafkaChangeQueue(QueueSettings settings, KafkaProducer<byte[], byte[]> producer, int maxRecordBytes) {
        this.settings = settings;
        this.producer = producer;
        this.maxRecordBytes = maxRecordBytes;
        this.window = new SendWindow(settings.maxInFlightBytes());
        this.recorder = new RejectionRecorder(settings.name(), settings.journal(), settings.onRejected());
        this.consumer = settings.groupId() == null ? null : new ConsumerLoop(settings, counters, recorder);
    }

    /**
     * Starts configuring a queue on {@code topic} of the cluster at {@code bootstrapServers}.
     *
     * @param bootstrapServers {@code host:port[,host:port...]}
     * @param topic an existing topic (or see {@link Builder#createTopicIfMissing})
     * @throws IllegalArgumentException naming a bad server list or topic name
     */
    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(bootstrapServers, topic);
    }

    /**
     * Sends {@code change}; see the class comment for exactly what true means.
     *
     * @return true when the producer took it; false when the changes in flight left no room
     *     within {@code maxWait}
     * @throws IllegalArgumentException naming the key, when the change is over the size limit or its
     *     payload cannot be written as JSON
     * @throws IllegalStateException when the queue is closed
     * @throws InterruptedException when interrupted while waiting for room
     */
    @Override
    public boolean offer(Change change, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(maxWait, "maxWait");
        if (closed.get()) {
            throw new IllegalStateException("kafka queue '" + settings.name() + "' is closed");
        }
        byte[] key = ChangeCodec.key(change);
        byte[] value = ChangeCodec.value(change);
        long size = (long) key.length + value.length + RECORD_OVERHEAD;
        if (size > maxRecordBytes) {
            throw new IllegalArgumentException("change " + ChangeCodec.describe(change) + " is " + size
                    + " bytes as a Kafka record, over the limit of " + maxRecordBytes
                    + " bytes (the smaller of the producer's max.request.size and topic " + settings.topic()
                    + "'s max.message.bytes)");
        }
        if (!window.acquire(size, maxWait)) {
            counters.refused.increment();
            return false;
        }
        try {
            producer.send(new ProducerRecord<>(settings.topic(), key, value), (metadata, error) -> {
                // counted (or handed to the recorder) before the room is given back, so that a
                // flush that returns sees every acknowledgement counted
                if (error == null) {
                    counters.sent.increment();
                } else {
                    undelivered(change, error);
                }
                window.release(size);
            });
        } catch (RuntimeException e) {
            window.release(size);
            throw e;
        }
        counters.accepted.increment();
        return true;
    }

    private void undelivered(Change change, Exception error) {
        counters.undelivered.increment();
        recorder.record(
                new KafkaQueueRejection(
                        KafkaQueueRejection.Kind.UNDELIVERED,
                        settings.topic(),
                        -1,
                        -1,
                        change.key(),
                        "v" + change.version() + " " + change.kind() + " not acknowledged by the cluster: "
                                + error.getClass().getName() + ": " + error.getMessage(),
                        settings.clock().instant()),
                () -> {});
    }

    /**
     * Takes up to {@code maxChanges} fetched changes for one worker. In a queue without a group it
     * waits {@code maxWait} (or until closed) and returns none.
     */
    @Override
    public Delivery poll(int maxChanges, Duration maxWait, Duration linger) throws InterruptedException {
        if (maxChanges < 1) {
            throw new IllegalArgumentException("maxChanges must be >= 1 but was " + maxChanges);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(linger, "linger");
        ConsumerLoop loop = consumer;
        if (loop == null || closed.get()) {
            closing.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            return new Delivery(List.of(), NO_RECEIPT);
        }
        loop.ensureStarted();
        List<Fetched> held = loop.take(maxChanges, maxWait, linger);
        if (held.isEmpty()) {
            return new Delivery(List.of(), NO_RECEIPT);
        }
        List<Change> changes = new ArrayList<>(held.size());
        for (Fetched f : held) {
            changes.add(f.change());
        }
        return new Delivery(changes, new Receipt(this, held));
    }

    /**
     * Acknowledges a delivery of this queue: its offsets may be committed once every record before
     * them in their partitions is acknowledged too.
     *
     * @throws IllegalArgumentException when the delivery is not one of this queue
     */
    @Override
    public void ack(Delivery delivery) {
        Object receipt = delivery.receipt();
        if (receipt == NO_RECEIPT) {
            return;
        }
        if (!(receipt instanceof Receipt r) || r.queue != this || consumer == null) {
            throw new IllegalArgumentException("not a delivery of kafka queue '" + settings.name() + "'");
        }
        consumer.ack(r.held);
    }

    @Override
    public long depth() {
        return consumer == null ? -1 : consumer.depth();
    }

    /**
     * Waits until the cluster acknowledged (or refused) every change accepted so far.
     *
     * @return false when {@code timeout} passed first
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        return window.awaitEmpty(Objects.requireNonNull(timeout, "timeout"));
    }

    /** What the queue did so far. */
    public KafkaQueueCounts counts() {
        QueueCounters c = counters;
        return new KafkaQueueCounts(
                c.accepted.sum(),
                c.refused.sum(),
                c.sent.sum(),
                c.undelivered.sum(),
                window.records(),
                c.delivered.sum(),
                c.acknowledged.sum(),
                c.redelivered.sum(),
                c.poison.sum(),
                c.released.sum(),
                c.commits.sum(),
                c.commitFailures.sum(),
                consumer == null ? 0 : consumer.partitions());
    }

    /** The topic. */
    public String topic() {
        return settings.topic();
    }

    /** The consumer group, or null for a queue that only sends. */
    public @Nullable String groupId() {
        return settings.groupId();
    }

    /** The name in journal entries, logs, thread names and metric tags. */
    public String name() {
        return settings.name();
    }

    /** The largest change record accepted, in bytes (key, value and record headers). */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** The consumer side, for this package's tests; null without a group. */
    @Nullable
    ConsumerLoop consumerLoop() {
        return consumer;
    }

    /**
     * Flushes the accepted changes, closes the producer (what is still not acknowledged then is
     * recorded as undelivered), commits what is complete, leaves the group and stops the threads,
     * each within {@link Builder#closeTimeout}. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.countDown();
        Duration timeout = settings.closeTimeout();
        boolean flushed;
        try {
            flushed = window.awaitEmpty(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flushed = false;
        }
        producer.close(flushed ? timeout : Duration.ZERO);
        if (consumer != null) {
            consumer.close(timeout);
        }
        recorder.close(timeout);
    }

    @Override
    public String toString() {
        return "KafkaChangeQueue[" + settings.topic() + (settings.groupId() == null ? "" : ", " + settings.groupId())
                + "]";
    }

    /** A delivery's receipt: the records it holds, and whose they are. */
    private static final class Receipt {
        final KafkaChangeQueue queue;
        final List<Fetched> held;

        Receipt(KafkaChangeQueue queue, List<Fetched> held) {
            this.queue = queue;
            this.held = held;
        }
    }

    /**
     * Configures a {@link KafkaChangeQueue}. Each setting is checked when it is given, naming a bad
     * value; {@link #build} checks the topic on the cluster and creates the producer.
     *
     * @since 0.2.0
     */
    public static final class Builder {
        private final String bootstrapServers;
        private final String topic;
        private @Nullable String groupId;
        private String name;
        private final Map<String, Object> producer = new LinkedHashMap<>();
        private final Map<String, Object> consumer = new LinkedHashMap<>();
        private final Map<String, Object> admin = new LinkedHashMap<>();
        private long maxInFlightBytes = DEFAULT_MAX_IN_FLIGHT_BYTES;
        private int buffered = 2_000;
        private Duration ackTimeout = Duration.ofMinutes(5);
        private Duration commitInterval = Duration.ofMillis(100);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private @Nullable FailedWriteJournal journal;
        private @Nullable Consumer<KafkaQueueRejection> onRejected;
        private int createPartitions;
        private short createReplication;
        private Clock clock = Clock.systemUTC();

        private Builder(String bootstrapServers, String topic) {
            this.bootstrapServers =
                    ClientProperties.servers(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
            this.topic = ClientProperties.topic(Objects.requireNonNull(topic, "topic"));
            this.name = topic;
        }

        /**
         * The consumer group whose members share the topic's partitions: every process that applies
         * changes uses the same group. Without one the queue only sends, and its {@code poll} returns
         * nothing (a process that only observes).
         */
        public Builder groupId(String groupId) {
            Objects.requireNonNull(groupId, "groupId");
            if (groupId.isBlank() || groupId.length() > 255) {
                throw new IllegalArgumentException(
                        "groupId must be 1 to 255 characters, not blank, but was '" + groupId + "'");
            }
            this.groupId = groupId;
            return this;
        }

        /**
         * The name in journal entries (their repository), logs, thread names and metric tags: 1 to 64
         * of {@code A-Z a-z 0-9 . _ -}; default the topic.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be 1 to 64 of A-Z a-z 0-9 . _ - but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Where poison records and undelivered changes are journaled, by key (none by default: they
         * are logged, counted and passed to the listener only). A poison record's offset is committed
         * only once its entry is in the journal.
         */
        public Builder journal(FailedWriteJournal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Told about every poison record and undelivered change, on the queue's recording thread. */
        public Builder onRejected(Consumer<KafkaQueueRejection> listener) {
            this.onRejected = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The most bytes of accepted changes not acknowledged by the cluster yet; an offer waits for
         * room, up to its own wait (default 16 MiB). At most the producer's {@code buffer.memory}
         * (32 MiB by default).
         */
        public Builder maxInFlightBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxInFlightBytes must be >= 1024 but was " + bytes);
            }
            this.maxInFlightBytes = bytes;
            return this;
        }

        /**
         * How many fetched changes wait for the workers before the consumer pauses its partitions
         * (resuming at half); default 2,000.
         */
        public Builder buffered(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("buffered must be >= 1 but was " + records);
            }
            this.buffered = records;
            return this;
        }

        /**
         * How long a worker may hold polled changes without acknowledging them before they are handed
         * to another worker of this process (default 5 minutes): longer than an apply with all its
         * retries takes.
         */
        public Builder ackTimeout(Duration timeout) {
            this.ackTimeout = positive("ackTimeout", timeout);
            return this;
        }

        /** The least time between two offset commits (default 100 ms). */
        public Builder commitInterval(Duration interval) {
            this.commitInterval = positive("commitInterval", interval);
            return this;
        }

        /**
         * How long {@link KafkaChangeQueue#close()} waits for each of: the sends in flight, the
         * consumer's last commit and leaving the group, the journal; also the bound of the cluster
         * calls {@link #build} makes (default 30 s).
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive("closeTimeout", timeout);
            return this;
        }

        /**
         * A Kafka client property for every client of the queue that knows it (producer, consumer,
         * admin): security settings, client ids, timeouts. The queue's own settings are refused,
         * naming why: {@code bootstrap.servers}, {@code group.id}, serializers, {@code
         * enable.auto.commit}, {@code acks}, {@code enable.idempotence}, {@code transactional.id}.
         *
         * @throws IllegalArgumentException when no client knows the property, a client refuses its
         *     value, or the queue sets it itself
         */
        public Builder clientProperty(String property, Object value) {
            put(property, value, EnumSet.allOf(ClientProperties.Client.class));
            return this;
        }

        /** A property of the producer only, checked like {@link #clientProperty}. */
        public Builder producerProperty(String property, Object value) {
            put(property, value, EnumSet.of(ClientProperties.Client.PRODUCER));
            return this;
        }

        /**
         * A property of the consumer only, checked like {@link #clientProperty}: {@code
         * session.timeout.ms}, {@code max.poll.records}, {@code group.protocol}, ...
         */
        public Builder consumerProperty(String property, Object value) {
            put(property, value, EnumSet.of(ClientProperties.Client.CONSUMER));
            return this;
        }

        private void put(String property, Object value, Set<ClientProperties.Client> clients) {
            Objects.requireNonNull(property, "property");
            Objects.requireNonNull(value, "value");
            for (ClientProperties.Client c : ClientProperties.check(property, value, clients)) {
                switch (c) {
                    case PRODUCER -> producer.put(property, value);
                    case CONSUMER -> consumer.put(property, value);
                    case ADMIN -> admin.put(property, value);
                }
            }
        }

        /**
         * Creates the topic at {@link #build} when it does not exist, with {@code partitions}
         * partitions (the most consumer threads that can share it) and {@code replicationFactor}
         * replicas (3 in production). Default: the topic must exist.
         */
        public Builder createTopicIfMissing(int partitions, int replicationFactor) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1 but was " + partitions);
            }
            if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
                throw new IllegalArgumentException("replicationFactor must be 1 to 32767 but was " + replicationFactor);
            }
            this.createPartitions = partitions;
            this.createReplication = (short) replicationFactor;
            return this;
        }

        /** The clock of rejection timestamps (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks the topic on the cluster (creating it if asked) and its record size limit, creates
         * the producer and fetches the topic's metadata. The consumer is created by the first {@code
         * poll}.
         *
         * @throws IllegalArgumentException when the properties do not fit together (a Kafka config
         *     error, naming the property)
         * @throws IllegalStateException when the topic does not exist, or the cluster did not answer
         *     within the close timeout
         */
        public KafkaChangeQueue build() {
            QueueSettings settings = new QueueSettings(
                    bootstrapServers,
                    topic,
                    groupId,
                    name,
                    TopicCheck.producerProperties(bootstrapServers, name, producer),
                    TopicCheck.consumerProperties(bootstrapServers, name, groupId, consumer),
                    TopicCheck.adminProperties(bootstrapServers, name, admin),
                    maxInFlightBytes,
                    buffered,
                    ackTimeout,
                    commitInterval,
                    closeTimeout,
                    journal,
                    onRejected,
                    clock);
            TopicCheck.Limits limits = TopicCheck.check(settings, createPartitions, createReplication);
            KafkaProducer<byte[], byte[]> kafkaProducer = TopicCheck.producer(settings);
            return new KafkaChangeQueue(settings, kafkaProducer, limits.maxRecordBytes());
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive but was " + d);
            }
            return d;
        }
    }
}
