package dev.cutover.replication.sqs.internal;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import dev.cutover.replication.sqs.SqsQueueCounts;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The parts of one SQS change queue put together: codec and size check, sender, receiver, acks,
 * depth, failure recording; and its one thread (the sender's retry scheduler), stopped by {@link
 * #close}.
 */
public final class QueueEngine {
    private final QueueSettings settings;
    private final QueueCounters counters = new QueueCounters();
    private final FailureRecorder failures;
    private final ScheduledExecutorService scheduler;
    private final BatchSender sender;
    private final BatchReceiver receiver;
    private final Acknowledger acks;
    private final QueueDepth depth;
    private volatile boolean closed;
    private boolean closeResult;

    public QueueEngine(QueueSettings settings) {
        this.settings = settings;
        this.failures = new FailureRecorder(settings);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("cutover-sqs-" + settings.name() + "-retries"));
        this.sender = new BatchSender(settings, counters, failures, scheduler);
        this.acks = new Acknowledger(settings, counters);
        this.receiver = new BatchReceiver(settings, counters, new DeadLetters(settings, counters, failures), acks);
        this.depth = new QueueDepth(settings);
    }

    public QueueSettings settings() {
        return settings;
    }

    /**
     * Encodes, checks the size, and buffers {@code change} for sending.
     *
     * @throws IllegalArgumentException naming the key, the size and the limit when the message would
     *     be over {@code maxMessageBytes}, or when the payload holds what JSON cannot carry
     */
    public boolean offer(Change change, Duration maxWait) throws InterruptedException {
        String body = ChangeCodec.encode(change);
        long bytes = ChangeCodec.utf8Length(body);
        if (bytes > settings.maxMessageBytes()) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s is %,d bytes as an SQS message, over the limit of %,d bytes of SQS change queue '%s'"
                            + " (maxMessageBytes; SQS takes up to 1,048,576 where the queue's MaximumMessageSize"
                            + " allows): it was not queued",
                    change,
                    bytes,
                    settings.maxMessageBytes(),
                    settings.name()));
        }
        return sender.offer(change, body, bytes, maxWait);
    }

    public Delivery poll(int maxChanges, Duration maxWait, Duration linger) throws Exception {
        return receiver.poll(maxChanges, maxWait, linger);
    }

    /**
     * Deletes the messages of a delivery this queue handed out.
     *
     * @throws IllegalArgumentException when the receipt is not one of this queue's
     */
    public void ack(Delivery delivery) throws InterruptedException {
        if (!(delivery.receipt() instanceof Receipts receipts)) {
            throw new IllegalArgumentException("not a delivery of SQS change queue '" + settings.name()
                    + "': its receipt is a " + delivery.receipt().getClass().getName());
        }
        acks.delete(receipts.handles());
    }

    /** Changes not yet confirmed by SQS plus SQS's count of messages, or -1 when SQS cannot tell. */
    public long depth() {
        long remote = depth.messages();
        return remote < 0 ? -1 : remote + sender.held();
    }

    public SqsQueueCounts counts() {
        return new SqsQueueCounts(
                counters.sent.sum(),
                counters.sendFailed.sum(),
                counters.received.sum(),
                counters.redelivered.sum(),
                counters.acked.sum(),
                counters.deadLettered.sum(),
                counters.rejected.sum(),
                sender.held());
    }

    /** Whether every failure recorded so far has reached the journal (true without a journal). */
    public boolean journalIdle() {
        return failures.idle();
    }

    /**
     * Sends what is buffered (up to {@code timeout}), records what is left, journals every recorded
     * key, stops the scheduler. Idempotent: later calls return the first call's answer.
     */
    public synchronized boolean close(Duration timeout) {
        if (closed) {
            return closeResult;
        }
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean sent = sender.close(timeout);
        scheduler.shutdownNow();
        boolean journaled = failures.close(Math.max(1_000_000_000L, deadline - System.nanoTime()));
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeResult = sent && journaled;
        return closeResult;
    }

    public boolean closed() {
        return closed;
    }
}
