package dev.cutover.replication;

import dev.cutover.replication.internal.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects old keys that normalize to the same new key: each is reported as a {@link Collision},
 * never merged silently. Feed it every old key with its normalized form, from the backfill and
 * the live observer alike; every pair of distinct old keys sharing a new key is reported once,
 * to the listener and the log, whatever the order or the thread.
 *
 * <pre>{@code
 * KeyNormalizerCollisions collisions = KeyNormalizerCollisions.create(c -> report.collision(c));
 * String newKey = normalizer.normalize(oldKey);
 * if (!collisions.record(oldKey, newKey).isEmpty()) {
 *   // hold the change back until someone decides which entity the new key belongs to
 * }
 * }</pre>
 *
 * <p><b>Memory.</b> It remembers every normalized key with its original(s), in memory: about 100
 * bytes plus two bytes per character of each key (once when a key is already normalized, twice
 * otherwise), so 10 million 20-character keys take some 1.5 GB. It holds at most {@code maxKeys}
 * normalized keys; one more throws an {@link IllegalStateException} rather than forget keys and
 * miss collisions. Detection over more keys than fit in memory (a persisted variant, or a sort of
 * the key list by normalized key) is out of scope: run it over one key range at a time, or check
 * the key list offline. Thread-safe: recording locks only its normalized key's entry of a concurrent
 * map, and the listener is called outside it, on the recording thread.
 *
 * @since 0.1.0
 */
public final class KeyNormalizerCollisions {
    private static final Logger LOG = LoggerFactory.getLogger(KeyNormalizerCollisions.class);
    /** The default bound on remembered keys. */
    public static final int DEFAULT_MAX_KEYS = 10_000_000;

    /**
     * Two old keys that normalize to one new key.
     *
     * @param normalizedKey the new key both normalize to
     * @param firstOriginal the old key recorded first
     * @param otherOriginal the other old key
     * @since 0.1.0
     */
    public record Collision(String normalizedKey, String firstOriginal, String otherOriginal) {
        public Collision {
            Objects.requireNonNull(normalizedKey, "normalizedKey");
            Objects.requireNonNull(firstOriginal, "firstOriginal");
            Objects.requireNonNull(otherOriginal, "otherOriginal");
        }

        /** Names the keys escaped, so invisible characters show. */
        @Override
        public String toString() {
            return "key collision: " + Keys.escape(firstOriginal) + " and " + Keys.escape(otherOriginal)
                    + " both normalize to " + Keys.escape(normalizedKey);
        }
    }

    private final int maxKeys;
    private final Consumer<Collision> listener;
    /** Normalized key to its original (a String), or to all its distinct originals (a String[]). */
    private final ConcurrentHashMap<String, Object> originals = new ConcurrentHashMap<>();

    private final AtomicLong collisions = new AtomicLong();

    private KeyNormalizerCollisions(int maxKeys, Consumer<Collision> listener) {
        this.maxKeys = maxKeys;
        this.listener = listener;
    }

    /** A detector remembering up to {@value #DEFAULT_MAX_KEYS} keys, reporting to {@code listener}. */
    public static KeyNormalizerCollisions create(Consumer<Collision> listener) {
        return create(DEFAULT_MAX_KEYS, listener);
    }

    /** A detector remembering up to {@code maxKeys} (at least 1) normalized keys. */
    public static KeyNormalizerCollisions create(int maxKeys, Consumer<Collision> listener) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1 but was " + maxKeys);
        }
        return new KeyNormalizerCollisions(maxKeys, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Records that {@code original} normalizes to {@code normalized}; returns the collisions this
     * introduces (one per distinct original recorded before for the same normalized key), each also
     * logged at WARN and handed to the listener. Recording the same pair again reports nothing.
     *
     * @throws IllegalStateException when a new normalized key would exceed the bound
     */
    public List<Collision> record(String original, String normalized) {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(normalized, "normalized");
        List<Collision> found = new ArrayList<>(0);
        originals.compute(normalized, (key, known) -> {
            if (known == null) {
                if (originals.size() >= maxKeys) {
                    throw new IllegalStateException("collision detection holds " + maxKeys
                            + " keys, its bound; raise maxKeys or check fewer keys at a time");
                }
                return original.equals(normalized) ? normalized : original;
            }
            String[] before = known instanceof String one ? new String[] {one} : (String[]) known;
            for (String b : before) {
                if (b.equals(original)) {
                    return known;
                }
            }
            String[] after = Arrays.copyOf(before, before.length + 1);
            after[before.length] = original;
            for (String b : before) {
                found.add(new Collision(normalized, b, original));
            }
            return after;
        });
        for (Collision c : found) {
            collisions.incrementAndGet();
            LOG.warn("{}", c);
            listener.accept(c);
        }
        return found;
    }

    /** Collisions reported so far. */
    public long collisionCount() {
        return collisions.get();
    }

    /** Normalized keys remembered so far. */
    public int size() {
        return originals.size();
    }
}
