package dev.cutover.dualwrite.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides whether a recurring message may be logged now: at most once per interval per topic, and
 * says how many were suppressed in between. Shadow failures can repeat thousands of times a
 * second; one line per topic per interval plus the metrics is what an operator can read.
 *
 * <p>Thread-safe and lock-free: one CAS per topic per interval decides which thread logs. The
 * number of topics is bounded by the caller (method names times a few outcomes).
 */
final class RateLimitedLog {
    private final long intervalNanos;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

    RateLimitedLog(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    /**
     * Returns -1 when the message must not be logged now; otherwise how many were suppressed since
     * the last one that was (0 for the first).
     */
    long permit(String topic) {
        Topic t = topics.computeIfAbsent(topic, k -> new Topic());
        long now = System.nanoTime();
        long last = t.lastLogged.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            t.suppressed.incrementAndGet();
            return -1;
        }
        if (!t.lastLogged.compareAndSet(last, now)) {
            t.suppressed.incrementAndGet();
            return -1;
        }
        return t.suppressed.getAndSet(0);
    }

    /** A suffix for a log line, naming the suppressed count when there was one. */
    static String suppressed(long count) {
        return count > 0 ? " (" + count + " similar suppressed)" : "";
    }

    private static final class Topic {
        final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }
}
