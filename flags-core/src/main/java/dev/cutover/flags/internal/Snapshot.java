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
 */
record Snapshot(
        long revision,
        Map<String, CompiledFlag> flags,
        ClientStatus.Source source,
        @Nullable ErrorCode missingError,
        Instant dataTime,
        int rejected) {

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
