package dev.cutover.replication.internal.backfill;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Remembers which old key each new key came from, to find two old keys that map to one new key.
 * Bounded: once it holds about {@code max} keys it adds no more (and says so), but still checks
 * every row against the keys it holds. The first old key to claim a new key keeps it, atomically
 * ({@link ConcurrentHashMap#putIfAbsent}), whatever the workers' interleaving.
 */
final class BackfillKeyTracker {
    private final ConcurrentHashMap<String, String> oldKeyByNewKey = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int max;
    private volatile boolean saturated;

    BackfillKeyTracker(int max) {
        this.max = max;
    }

    /**
     * Records that {@code oldKey} maps to {@code newKey}; returns the other old key that already
     * maps to it, or null when there is none (or the key could not be tracked any more).
     */
    @Nullable
    String otherOldKey(String oldKey, String newKey) {
        if (max == 0) {
            return null;
        }
        String first = oldKeyByNewKey.get(newKey);
        if (first == null) {
            if (size.get() >= max) {
                saturated = true;
                return null;
            }
            // the same instance when the key is unchanged: one string, not two
            first = oldKeyByNewKey.putIfAbsent(newKey, oldKey.equals(newKey) ? newKey : oldKey);
            if (first == null) {
                size.incrementAndGet();
                return null;
            }
        }
        return first.equals(oldKey) ? null : first;
    }

    boolean saturated() {
        return saturated;
    }
}
