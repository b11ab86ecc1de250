package dev.cutover.replication.sqs;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.replication.sqs.internal.QueueEngine;
import dev.cutover.replication.sqs.internal.QueueSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Amazon SQS as the {@link ChangeQueue} between a {@link dev.cutover.replication.Mirror}'s
 * observer and its apply workers, so that changes survive a restart and any number of processes
 * apply them. Standard and FIFO queues (a queue URL ending in {@code .fifo}).
 *
 * <pre>{@code
 * SqsChangeQueue queue = SqsChangeQueue.builder(sqsAsyncClient, ordersQueueUrl)
 *     .deadLetterQueue(ordersDeadLettersUrl)   // after maxReceives (default 5), and bad messages
 *     .visibilityTimeout(Duration.ofSeconds(60))
 *     .journal(failedWrites)                   // every key not carried through, for the repair
 *     .build();
 * Mirror<OrderEvent> mirror = Mirror.to(newStore).mapping(OrderEvents::toChanges).queue(queue).build();
 * ...
 * mirror.close(); queue.close();
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 *
 * <ul>
 *   <li><b>At least once, acknowledged after the apply.</b> A polled change is deleted from SQS only
 *       in {@link #ack}, which the mirror calls after the versioned apply returned (applied, or
 *       recorded as failed). A consumer that dies leaves its messages to come back after the
 *       visibility timeout; the versioned apply makes the second delivery, and any order, harmless.
 *   <li><b>Nothing lost silently.</b> {@link #offer} returns true once the change is in the send
 *       buffer, which {@code SendMessageBatch} calls (10 messages, at most {@code maxMessageBytes} in
 *       all) empty in the background, retrying failures. A change SQS refuses or that fails every
 *       attempt, and one still unsent at {@link #close}, is recorded as an {@link SqsQueueFailure}:
 *       logged with its key, counted, journaled. If the process dies with changes buffered, the
 *       journal's run record of this queue lapses into a gap that a reconciliation closes, as it
 *       does for the mirror itself. An offer that returns false (no room in time) never sends.
 *   <li><b>Poison and foreign messages go aside, alone.</b> A message that is not a change
 *       (malformed JSON, an unknown format, kind or version type) is refused alone, never delivered
 *       and never holding back the rest of its batch: logged with its message id and receive count,
 *       counted, journaled with its key if it named one (else with no key: a full reconciliation
 *       covers it), and moved to the dead-letter queue (without one, left in the queue for its own
 *       redrive policy). A change received more than {@code maxReceives} times is moved to the
 *       dead-letter queue, its key journaled first.
 *   <li><b>Exact.</b> Key, version, kind and payload come back as offered: integers by size as
 *       {@code int}, {@code long} or {@code BigInteger}, decimals as {@code BigDecimal} with their
 *       scale, any Unicode text (characters SQS refuses in a body are escaped).
 * </ul>
 *
 * <h2>Costs and limits</h2>
 *
 * A message is one change; its size is the JSON of the change in UTF-8. The default limit is
 * 262,144 bytes, the default {@code MaximumMessageSize} of an SQS queue; SQS takes up to 1,048,576
 * (1 MiB) where the queue allows it, and so does ElasticMQ 1.7.1: raise {@link
 * Builder#maxMessageBytes} to match the queue. A bigger change is refused at {@link #offer} with an
 * {@link IllegalArgumentException} naming its key, its size and the limit, which the mirror records
 * as dropped. SQS long-polls in whole seconds, so a poll waits its {@code maxWait} rounded up to the
 * next second; an interrupted poll returns at once. {@link #depth()} asks SQS for its message count
 * (visible, in flight and delayed) at most once per {@link Builder#depthCacheFor} (default 1 s) and
 * adds the changes not yet sent.
 *
 * <h2>FIFO queues</h2>
 *
 * Each change's message group is its key: a key's changes arrive in the order offered, and only
 * later changes of the same key wait while one is in flight, so consumers run in parallel across
 * keys. Each offer has its own deduplication id, carried by every retry of its send, so SQS drops
 * only a resent copy of one offer; the same change offered twice is delivered twice and the second
 * ends {@code DUPLICATE} in the versioned apply, so a mirror's {@code awaitQuiet} sees both
 * applied.
 *
 * <p>Thread-safe. Holds one thread (the scheduler of send retries) until {@link #close}; the client
 * stays the caller's to close.
 *
 * @since 0.2.0
 */
public final class SqsChangeQueue implements ChangeQueue, AutoCloseable {
    private final QueueEngine engine;

    private SqsChangeQueue(QueueEngine engine) {
        this.engine = engine;
    }

    /**
     * Starts configuring a queue on {@code queueUrl}, reached through {@code client}.
     *
     * @param client the SDK's asynchronous SQS client; polls wait on its futures, so that an
     *     interrupt cancels a long poll at once
     * @param queueUrl the queue's URL; a FIFO queue when its name ends in {@code .fifo}
     * @throws IllegalArgumentException naming the URL when it is not an http(s) URL ending in a queue
     *     name
     */
    public static Builder builder(SqsAsyncClient client, String queueUrl) {
        return new Builder(client, queueUrl);
    }

    /**
     * Buffers {@code change} for sending, waiting up to {@code maxWait} for room in the send buffer.
     *
     * @return true when buffered (it is then sent, or recorded as failed); false when there was no
     *     room in time (it is then never sent)
     * @throws IllegalArgumentException naming the key, the size and the limit when the change's
     *     message would be over {@code maxMessageBytes}, or naming the key and the place when its
     *     payload holds what JSON cannot carry (NaN, binary data)
     * @throws IllegalStateException when the queue is closed
     * @throws InterruptedException when interrupted while waiting for room
     */
    @Override
    public boolean offer(Change change, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(change, "change");
        nonNegative("maxWait", maxWait);
        return engine.offer(change, maxWait);
    }

    /**
     * Receives up to {@code maxChanges} changes; see the class comment for how long it waits.
     *
     * @throws InterruptedException when interrupted: the receives in flight are cancelled and what
     *     was received is made visible again
     * @throws Exception when SQS could not be reached (nothing is then held back)
     */
    @Override
    public Delivery poll(int maxChanges, Duration maxWait, Duration linger) throws Exception {
        nonNegative("maxWait", maxWait);
        nonNegative("linger", linger);
        return engine.poll(maxChanges, maxWait, linger);
    }

    /**
     * Deletes the delivery's messages from SQS. A message that could not be deleted (its handle
     * expired: the visibility timeout passed during the apply) is delivered again; logged.
     *
     * @throws IllegalArgumentException when the delivery is not one of this queue's
     */
    @Override
    public void ack(Delivery delivery) throws InterruptedException {
        engine.ack(Objects.requireNonNull(delivery, "delivery"));
    }

    /**
     * Messages in SQS (visible, in flight, delayed; cached for {@link Builder#depthCacheFor}) plus
     * changes not yet sent; -1 when SQS could not be asked.
     */
    @Override
    public long depth() {
        return engine.depth();
    }

    /** What this queue has done in this process. */
    public SqsQueueCounts counts() {
        return engine.counts();
    }

    /** The queue's name: its URL's last segment unless {@link Builder#name} set another. */
    public String name() {
        return engine.settings().name();
    }

    /** The queue's URL. */
    public String queueUrl() {
        return engine.settings().queueUrl();
    }

    /** Whether it is a FIFO queue. */
    public boolean fifo() {
        return engine.settings().fifo();
    }

    /**
     * Stops taking offers, sends what is buffered within {@code timeout}, records what is left as
     * {@link SqsQueueFailure.Kind#UNSENT_AT_CLOSE}, journals every recorded key, and stops its
     * thread. Polls and acks keep working. Idempotent.
     *
     * @return true when everything buffered was sent and every recorded key journaled in time
     */
    public boolean close(Duration timeout) {
        return engine.close(nonNegative("timeout", timeout));
    }

    /** {@link #close(Duration)} with the builder's {@link Builder#closeTimeout}. */
    @Override
    public void close() {
        engine.close(engine.settings().closeTimeout());
    }

    @Override
    public String toString() {
        return "SQS change queue '" + name() + "'" + (fifo() ? " (FIFO)" : "");
    }

    private static Duration nonNegative(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must be >= 0 but was " + d);
        }
        return d;
    }

    /**
     * Configures an {@link SqsChangeQueue}; each setting is checked when set and a bad value is named
     * in the exception.
     *
     * <pre>{@code
     * SqsChangeQueue queue = SqsChangeQueue.builder(sqs, "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo")
     *     .deadLetterQueue("https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dead.fifo")
     *     .maxReceives(5)
     *     .visibilityTimeout(Duration.ofSeconds(60))
     *     .maxMessageBytes(1_048_576)
     *     .journal(failedWrites)
     *     .build();
     * }</pre>
     *
     * @since 0.2.0
     */
    public static final class Builder {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,80}");
        /** SQS's largest message: 1 MiB. */
        public static final int MAX_MESSAGE_BYTES = 1_048_576;
        /** The default size limit: 256 KiB, the default {@code MaximumMessageSize} of an SQS queue. */
        public static final int DEFAULT_MAX_MESSAGE_BYTES = 262_144;
        /** The default number of receives after which a change is dead-lettered. */
        public static final int DEFAULT_MAX_RECEIVES = 5;

        private final SqsAsyncClient client;
        private final String queueUrl;
        private final boolean fifo;
        private String name;
        private @Nullable String deadLetterQueueUrl;
        private int maxReceives = DEFAULT_MAX_RECEIVES;
        private int visibilityTimeoutSeconds = -1;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private int sendBuffer = 1_000;
        private int sendsInFlight = 8;
        private int receivesInFlight = 8;
        private int sendAttempts = 8;
        private Duration sendBackoff = Duration.ofMillis(100);
        private Duration depthCacheFor = Duration.ofSeconds(1);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private @Nullable FailedWriteJournal journal;
        private @Nullable Consumer<SqsQueueFailure> failureListener;
        private Clock clock = Clock.systemUTC();

        private Builder(SqsAsyncClient client, String queueUrl) {
            this.client = Objects.requireNonNull(client, "client");
            this.name = queueName("queueUrl", queueUrl);
            this.queueUrl = queueUrl;
            this.fifo = name.endsWith(".fifo");
        }

        /**
         * Names the queue in logs, metrics and the journal's entries (1 to 80 of {@code A-Z a-z 0-9 .
         * _ -}; default: the queue's name, the URL's last segment).
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "SQS change queue name must be 1 to 80 of A-Z a-z 0-9 . _ - but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Where messages go that are not changes, or were received more than {@link #maxReceives}
         * times: a queue of the same type (FIFO for a FIFO queue), other than this one. Without it,
         * bad messages stay in the queue for its own redrive policy, and changes are delivered however
         * often they were received.
         *
         * @throws IllegalArgumentException naming the URL when it is not a queue URL, is this queue,
         *     or is of the other type
         */
        public Builder deadLetterQueue(String queueUrl) {
            String dlqName = queueName("deadLetterQueue", queueUrl);
            if (queueUrl.equals(this.queueUrl)) {
                throw new IllegalArgumentException(
                        "deadLetterQueue must be another queue but was the queue itself: " + queueUrl);
            }
            if (dlqName.endsWith(".fifo") != fifo) {
                throw new IllegalArgumentException("deadLetterQueue must be a " + (fifo ? "FIFO" : "standard")
                        + " queue like " + this.queueUrl + " but was " + queueUrl);
            }
            this.deadLetterQueueUrl = queueUrl;
            return this;
        }

        /**
         * How many times a change may be received before the next receive moves it to the
         * dead-letter queue instead of delivering it: 1 to 1,000 (default 5). Keep it below the
         * {@code maxReceiveCount} of the queue's own redrive policy, if it has one, so that this queue
         * journals the key before SQS moves the message.
         */
        public Builder maxReceives(int maxReceives) {
            if (maxReceives < 1 || maxReceives > 1_000) {
                throw new IllegalArgumentException("maxReceives must be 1 to 1000 but was " + maxReceives);
            }
            this.maxReceives = maxReceives;
            return this;
        }

        /**
         * How long a received change stays hidden from other consumers before SQS delivers it again
         * unless acknowledged: whole seconds, 1 s to 12 h (default: the queue's own setting). Choose it
         * well above the time a batch takes to apply.
         */
        public Builder visibilityTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "visibilityTimeout");
            if (timeout.getNano() != 0 || timeout.getSeconds() < 1 || timeout.getSeconds() > 43_200) {
                throw new IllegalArgumentException(
                        "visibilityTimeout must be whole seconds from 1 s to 12 h but was " + timeout);
            }
            this.visibilityTimeoutSeconds = (int) timeout.getSeconds();
            return this;
        }

        /**
         * The largest message, in bytes of UTF-8 JSON: 1,024 to {@value #MAX_MESSAGE_BYTES} (default
         * {@value #DEFAULT_MAX_MESSAGE_BYTES}); also the most one {@code SendMessageBatch} carries.
         * Match the queue's {@code MaximumMessageSize}.
         */
        public Builder maxMessageBytes(int bytes) {
            if (bytes < 1_024 || bytes > MAX_MESSAGE_BYTES) {
                throw new IllegalArgumentException(
                        "maxMessageBytes must be 1024 to " + MAX_MESSAGE_BYTES + " but was " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * How many accepted changes may wait for SQS, being sent included: 1 to 1,000,000 (default
         * 1,000). A full buffer makes offers wait: the backpressure on the observer.
         */
        public Builder sendBuffer(int changes) {
            if (changes < 1 || changes > 1_000_000) {
                throw new IllegalArgumentException("sendBuffer must be 1 to 1000000 but was " + changes);
            }
            this.sendBuffer = changes;
            return this;
        }

        /** How many {@code SendMessageBatch} calls may run at once: 1 to 64 (default 8). */
        public Builder sendsInFlight(int calls) {
            if (calls < 1 || calls > 64) {
                throw new IllegalArgumentException("sendsInFlight must be 1 to 64 but was " + calls);
            }
            this.sendsInFlight = calls;
            return this;
        }

        /**
         * How many receives of 10 one poll runs at once to fill a batch: 1 to 64 (default 8).
         */
        public Builder receivesInFlight(int calls) {
            if (calls < 1 || calls > 64) {
                throw new IllegalArgumentException("receivesInFlight must be 1 to 64 but was " + calls);
            }
            this.receivesInFlight = calls;
            return this;
        }

        /**
         * Sends a change up to {@code attempts} times in all, 1 to 100 (default 8), pausing {@code
         * initialBackoff} (positive; default 100 ms) after the first failure, doubling up to 5 s, with
         * jitter; on top of the SDK's own retries.
         */
        public Builder sendRetry(int attempts, Duration initialBackoff) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("send attempts must be 1 to 100 but was " + attempts);
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            if (initialBackoff.isNegative() || initialBackoff.isZero()) {
                throw new IllegalArgumentException("send initialBackoff must be positive but was " + initialBackoff);
            }
            this.sendAttempts = attempts;
            this.sendBackoff = initialBackoff;
            return this;
        }

        /** How long {@link #depth()} reuses SQS's message count: 0 to 1 h (default 1 s). */
        public Builder depthCacheFor(Duration duration) {
            Objects.requireNonNull(duration, "depthCacheFor");
            if (duration.isNegative() || duration.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("depthCacheFor must be 0 to 1 h but was " + duration);
            }
            this.depthCacheFor = duration;
            return this;
        }

        /** How long {@link SqsChangeQueue#close()} waits for the send buffer to empty (default 30 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = nonNegative("closeTimeout", timeout);
            return this;
        }

        /**
         * Records the key of every {@link SqsQueueFailure} in {@code journal} (repository: the
         * queue's {@link #name}, target {@code NEW}), where a repair from the journal finds it. The
         * queue's own thread appends, retrying while the journal fails, and keeps a run record there
         * while the queue is open.
         */
        public Builder journal(FailedWriteJournal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * Receives every {@link SqsQueueFailure}, on the thread that met it (an SDK thread or a
         * poller: keep it fast). Must be thread-safe; its exceptions are logged.
         */
        public Builder onFailure(Consumer<SqsQueueFailure> listener) {
            this.failureListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The clock of failure timestamps (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The queue. It calls SQS only when used; with a {@link #journal} it records its run there at
         * once (retrying in the background if the journal fails). Close it when done.
         */
        public SqsChangeQueue build() {
            return new SqsChangeQueue(new QueueEngine(new QueueSettings(
                    client,
                    queueUrl,
                    name,
                    fifo,
                    deadLetterQueueUrl,
                    maxReceives,
                    visibilityTimeoutSeconds,
                    maxMessageBytes,
                    sendBuffer,
                    sendsInFlight,
                    receivesInFlight,
                    sendAttempts,
                    sendBackoff,
                    depthCacheFor,
                    closeTimeout,
                    journal,
                    failureListener,
                    clock)));
        }

        private static String queueName(String what, String url) {
            Objects.requireNonNull(url, what);
            URI uri;
            try {
                uri = new URI(url);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(what + " must be a queue URL but was '" + url + "'", e);
            }
            String scheme = uri.getScheme();
            String path = uri.getPath();
            if (scheme == null
                    || !(scheme.equals("https") || scheme.equals("http"))
                    || uri.getHost() == null
                    || path == null
                    || path.endsWith("/")) {
                throw new IllegalArgumentException(
                        what + " must be an http(s) URL ending in the queue's name but was '" + url + "'");
            }
            String queueName = path.substring(path.lastIndexOf('/') + 1);
            if (!NAME.matcher(queueName).matches()) {
                throw new IllegalArgumentException(
                        what + " must end in a queue name of 1 to 80 of A-Z a-z 0-9 . _ -" + " but was '" + url + "'");
            }
            return queueName;
        }
    }
}
