package dev.cutover.replication.spi;

import dev.cutover.replication.Change;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.internal.mirror.QueueInProcess;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The queue between a {@link Mirror}'s observer and its apply workers. The default is a bounded
 * in-process queue ({@link #inProcess}); an external queue in between lets changes survive a
 * restart of the process: {@code dev.cutover.replication.sqs.SqsChangeQueue} (module
 * cutover-replication-sqs) puts Amazon SQS there, and implementing this interface puts any other
 * (Kafka, a database table).
 *
 * <pre>{@code
 * SqsChangeQueue ordersQueue = SqsChangeQueue.builder(sqsAsyncClient, ordersQueueUrl).build();
 * Mirror<OrderEvent> mirror = Mirror.to(newStore)
 *     .mapping(OrderEvents::toChanges)
 *     .queue(ordersQueue)   // or .queue(10_000), the in-process default
 *     .build();
 * }</pre>
 *
 * <p><b>Contract for implementations.</b>
 *
 * <ul>
 *   <li>Delivery is at least once and in no particular order: the versioned apply makes duplicates
 *       and reordering harmless, so nothing in the mirror assumes per-key ordering, and neither
 *       need the queue. A change polled but never {@linkplain #ack acknowledged} (its worker died)
 *       may be delivered again.
 *   <li>{@link #offer} is called on the application's observing threads and must not wait longer
 *       than asked: it returns false when there was no room in time. The mirror then records the
 *       change as dropped, naming its key; it never loses one silently.
 *   <li>{@link #poll} is called by several worker threads at once. It returns as soon as {@code
 *       maxChanges} are available, or once {@code linger} has passed after the first change
 *       arrived, or with an empty delivery when none arrived within {@code maxWait}. It must
 *       return promptly when the worker thread is interrupted (throwing {@link
 *       InterruptedException} is fine).
 *   <li>Thread-safe. A queue serialized to bytes must keep a change's key, version, kind and
 *       payload exactly ({@code Change}'s payload is a Jackson tree).
 * </ul>
 *
 * <p>{@code dev.cutover.testkit.contract.ChangeQueueContract} in cutover-testkit checks all of
 * this; a queue's tests extend it.
 *
 * @since 0.1.0
 */
public interface ChangeQueue {

    /**
     * A bounded in-process queue holding up to {@code capacity} changes: the observing thread waits
     * up to the mirror's {@code maxBlock} for room (backpressure), then the change is dropped and
     * recorded. Changes still queued when the mirror closes are recorded as dropped too.
     *
     * @param capacity at least 1
     * @throws IllegalArgumentException naming the value when it is below 1
     */
    static ChangeQueue inProcess(int capacity) {
        return new QueueInProcess(capacity);
    }

    /**
     * Enqueues a change, waiting up to {@code maxWait} for room.
     *
     * @return true when queued; false when there was no room in time
     * @throws InterruptedException when the observing thread was interrupted while waiting
     * @throws Exception when the queue could not take it; the mirror records the change as dropped
     */
    boolean offer(Change change, Duration maxWait) throws Exception;

    /**
     * Takes up to {@code maxChanges} changes for one apply.
     *
     * @param maxChanges at least 1
     * @param maxWait how long to wait for the first change
     * @param linger how long to wait for more after the first, to fill a batch
     * @return the changes (possibly none) and what {@link #ack} needs to settle them
     */
    Delivery poll(int maxChanges, Duration maxWait, Duration linger) throws Exception;

    /** Settles a delivery: its changes were applied, or recorded as failed. */
    void ack(Delivery delivery) throws Exception;

    /** How many changes wait in the queue, or -1 when the queue cannot tell cheaply. */
    long depth();

    /**
     * Whether changes left in this queue survive the end of the process (default true; false for
     * {@link #inProcess}, whose leftovers a closing mirror records as dropped, key by key).
     */
    default boolean durable() {
        return true;
    }

    /**
     * Changes polled together, and the queue's own handle for acknowledging them (receipt handles,
     * offsets; the in-process queue needs none and uses a constant).
     *
     * @param changes the changes, possibly none
     * @param receipt opaque to the mirror, handed back to {@link #ack}
     * @since 0.1.0
     */
    record Delivery(List<Change> changes, Object receipt) {
        public Delivery {
            changes = List.copyOf(Objects.requireNonNull(changes, "changes"));
            Objects.requireNonNull(receipt, "receipt");
        }
    }
}
