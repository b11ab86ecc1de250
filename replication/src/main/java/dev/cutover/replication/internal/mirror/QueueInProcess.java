package dev.cutover.replication.internal.mirror;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded in-process {@link ChangeQueue}.
 *
 * <p>Design: one {@link ArrayBlockingQueue}. Its single lock is held only to move references in
 * and out, so observers and workers contend for nanoseconds per change; a worker takes a whole
 * batch under one {@code drainTo}. Waiting (for room, for a first change, for a fuller batch) uses
 * the queue's own conditions, never a sleep. Nothing survives the process: {@link
 * #durable()} tells the mirror to record what is left at close as dropped.
 */
public final class QueueInProcess implements ChangeQueue {
    private static final Object RECEIPT = "in-process";

    private final ArrayBlockingQueue<Change> queue;
    private final int capacity;

    public QueueInProcess(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public boolean offer(Change change, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(change, "change");
        if (queue.offer(change)) {
            return true;
        }
        return !maxWait.isZero() && queue.offer(change, maxWait.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public Delivery poll(int maxChanges, Duration maxWait, Duration linger) throws InterruptedException {
        if (maxChanges < 1) {
            throw new IllegalArgumentException("maxChanges must be >= 1 but was " + maxChanges);
        }
        Change first = queue.poll(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return new Delivery(List.of(), RECEIPT);
        }
        List<Change> batch = new ArrayList<>(Math.min(maxChanges, 1024));
        batch.add(first);
        queue.drainTo(batch, maxChanges - batch.size());
        long deadline = System.nanoTime() + linger.toNanos();
        while (batch.size() < maxChanges) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Change next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
            queue.drainTo(batch, maxChanges - batch.size());
        }
        return new Delivery(batch, RECEIPT);
    }

    /** Everything still queued, removed from the queue: what a closing mirror records as dropped. */
    public List<Change> drain() {
        List<Change> rest = new ArrayList<>();
        queue.drainTo(rest);
        return rest;
    }

    @Override
    public void ack(Delivery delivery) {
        // nothing to settle: a change leaves this queue when it is polled
    }

    @Override
    public long depth() {
        return queue.size();
    }

    /** The most changes it holds. */
    public int capacity() {
        return capacity;
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public String toString() {
        return "in-process queue (" + queue.size() + " of " + capacity + ")";
    }
}
