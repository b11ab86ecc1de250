package dev.cutover.replication.kafka.internal;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes of sends not acknowledged by the cluster yet, bounded: an offer takes room for its
 * record before it sends, waiting at most its own wait, and the send's callback gives the room
 * back. Because the bound stays below the producer's {@code buffer.memory}, the producer never
 * blocks a send for buffer space: an offer waits here, for as long as it was told, and no longer.
 *
 * <p>A record larger than the whole window takes the whole window (it waits until nothing else is
 * in flight), so a large record is never refused for the window alone. Thread-safe.
 */
public final class SendWindow {
    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long bytes;
    private long records;

    public SendWindow(long capacity) {
        this.capacity = capacity;
    }

    /** Takes room for a record of {@code size} bytes; false when there was none within {@code maxWait}. */
    public boolean acquire(long size, Duration maxWait) throws InterruptedException {
        long need = Math.min(size, capacity);
        long nanos = maxWait.toNanos();
        lock.lockInterruptibly();
        try {
            while (bytes + need > capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            bytes += need;
            records++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the room of a record of {@code size} bytes once its send completed. */
    public void release(long size) {
        lock.lock();
        try {
            bytes -= Math.min(size, capacity);
            records--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no send is in flight; false when {@code timeout} passed first. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (records > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Records sent and not acknowledged. */
    public long records() {
        lock.lock();
        try {
            return records;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes sent and not acknowledged (a record larger than the window counts as the window). */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
