package dev.cutover.examples.analytics;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process stand-in for the message queue of the story (SQS): at least once and in no
 * particular order. Changes are held in windows of {@value #WINDOW} (or for at most {@value
 * #MAX_HOLD_MILLIS} ms), shuffled, then delivered; about 5% are delivered a second time in a later
 * window, as a queue redelivers a message whose acknowledgement got lost.
 *
 * <p>{@link #depth()} counts what waits in a window, what is ready, and what was delivered but not
 * yet acknowledged (like a queue's in-flight messages), so {@code Mirror.awaitQuiet} returns only
 * once every delivery, redeliveries included, has been applied. Thread-safe; one lock.
 */
final class ShufflingQueue implements ChangeQueue {
    static final int WINDOW = 64;
    static final long MAX_HOLD_MILLIS = 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final int capacity;
    private final double redeliveryRate;
    private final Random random;
    private List<Change> window = new ArrayList<>();
    private long windowOpened;
    private final ArrayDeque<Change> ready = new ArrayDeque<>();
    private long inFlight;
    private final AtomicLong redelivered = new AtomicLong();

    /**
     * @param capacity changes held at most, before {@link #offer} waits for room
     * @param redeliveryRate the share of changes delivered twice, 0 to 1
     * @param seed the seed of the shuffles and redeliveries
     */
    ShufflingQueue(int capacity, double redeliveryRate, long seed) {
        if (capacity < WINDOW) {
            throw new IllegalArgumentException("capacity must be at least " + WINDOW + " but was " + capacity);
        }
        if (!(redeliveryRate >= 0 && redeliveryRate <= 1)) {
            throw new IllegalArgumentException("redeliveryRate must be 0 to 1 but was " + redeliveryRate);
        }
        this.capacity = capacity;
        this.redeliveryRate = redeliveryRate;
        this.random = new Random(seed);
    }

    /** Changes delivered a second time so far. */
    long redelivered() {
        return redelivered.get();
    }

    @Override
    public boolean offer(Change change, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            while (held() >= capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            if (window.isEmpty()) {
                windowOpened = System.nanoTime();
            }
            window.add(change);
            if (window.size() >= WINDOW) {
                flush();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Delivery poll(int maxChanges, Duration maxWait, Duration linger) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            while (ready.isEmpty()) {
                if (!window.isEmpty()
                        && System.nanoTime() - windowOpened >= TimeUnit.MILLISECONDS.toNanos(MAX_HOLD_MILLIS)) {
                    flush();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Delivery(List.of(), 0);
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(MAX_HOLD_MILLIS)));
            }
            List<Change> batch = new ArrayList<>(Math.min(maxChanges, ready.size()));
            while (batch.size() < maxChanges && !ready.isEmpty()) {
                batch.add(ready.poll());
            }
            inFlight += batch.size();
            changed.signalAll();
            return new Delivery(batch, batch.size());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ack(Delivery delivery) {
        lock.lock();
        try {
            inFlight -= (Integer) delivery.receipt();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long depth() {
        lock.lock();
        try {
            return held() + inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Nothing survives the process: a closing mirror is told so. */
    @Override
    public boolean durable() {
        return false;
    }

    private long held() {
        return window.size() + ready.size();
    }

    /** Shuffles the window into the ready changes; some go into the next window, to be delivered again. */
    private void flush() {
        List<Change> w = window;
        Collections.shuffle(w, random);
        ready.addAll(w);
        window = new ArrayList<>();
        for (Change c : w) {
            if (random.nextDouble() < redeliveryRate) {
                window.add(c);
                redelivered.incrementAndGet();
            }
        }
        windowOpened = System.nanoTime();
        changed.signalAll();
    }
}
