package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.ErrorCode;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One immutable flag set at one revision. The client holds exactly one in a volatile field and
 * replaces it whole, so every evaluation sees one consistent revision.
 *
 * @param revision the store revision (0 when there is no data)
 * @param flags key to compiled flag; a plain {@link java.util.HashMap} never mutated after publication
 * @param source where the data came from
 * @param missingError for a snapshot without data: the error a lookup reports; null when a missing
 *     key simply means the flag does not exist
 * @param dataTime when the data was produced: load time, or when the backup was written
 * @param rejected number of store documents rejected while building it
 * @param table the same flags for {@link #find}: key at even, flag at odd positions, built from {@code flags}
 */
record Snapshot(
        long revision,
        Map<String, CompiledFlag> flags,
        ClientStatus.Source source,
        @Nullable ErrorCode missingError,
        Instant dataTime,
        int rejected,
        Object[] table) {

    /** A snapshot of {@code flags}, with its lookup table built from them. */
    Snapshot(
            long revision,
            Map<String, CompiledFlag> flags,
            ClientStatus.Source source,
            @Nullable ErrorCode missingError,
            Instant dataTime,
            int rejected) {
        this(revision, flags, source, missingError, dataTime, rejected, table(flags));
    }

    /**
     * The flag stored under {@code key}, or null: what {@code flags().get(key)} answers, without a
     * map node to follow. Keys are usually literals, so the probe compares references first.
     */
    @Nullable
    CompiledFlag find(@Nullable String key) {
        if (key == null) {
            return null;
        }
        Object[] t = table;
        int mask = t.length - 2;
        for (int i = (spread(key.hashCode()) << 1) & mask; ; i = (i + 2) & mask) {
            Object k = t[i];
            if (k == null) {
                return null;
            }
            if (k == key || k.equals(key)) {
                return (CompiledFlag) t[i + 1];
            }
        }
    }

    /**
     * Linear probing over pairs in a power-of-two table at most half full, so that every probe ends
     * at an empty pair.
     */
    private static Object[] table(Map<String, CompiledFlag> flags) {
        int pairs = Integer.highestOneBit(Math.max(1, flags.size()) * 2) * 2;
        int mask = 2 * pairs - 2;
        Object[] t = new Object[2 * pairs];
        for (Map.Entry<String, CompiledFlag> e : flags.entrySet()) {
            int i = (spread(e.getKey().hashCode()) << 1) & mask;
            while (t[i] != null) {
                i = (i + 2) & mask;
            }
            t[i] = e.getKey().intern(); // keys passed as literals then match by reference
            t[i + 1] = e.getValue();
        }
        return t;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** A snapshot without data that reports {@code error} on every lookup. */
    static Snapshot noData(ErrorCode error, Instant now, long revision) {
        return new Snapshot(revision, java.util.Collections.emptyMap(), ClientStatus.Source.DEFAULTS, error, now, 0);
    }

    boolean hasData() {
        return missingError == null;
    }

    /** The earliest scheduled effectiveAt after {@code nowMillis}, or Long.MAX_VALUE. */
    long nextEffectiveAfter(long nowMillis) {
        long next = Long.MAX_VALUE;
        for (CompiledFlag f : flags.values()) {
            if (f.scheduled() && f.effectiveAtMillis > nowMillis && f.effectiveAtMillis < next) {
                next = f.effectiveAtMillis;
            }
        }
        return next;
    }
}
