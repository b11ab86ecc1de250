package dev.cutover.flags;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a {@link FlagClient}'s health, for readiness probes and dashboards.
 *
 * @param state overall state
 * @param source where the data being served came from
 * @param revision revision of the snapshot being served, 0 when none
 * @param lastSuccess when the store last answered successfully, null if never
 * @param snapshotAge time since the store last confirmed the snapshot (or since the backup was
 *     written when serving a backup); {@link Duration#ZERO} when nothing was loaded
 * @param flagCount flags in the snapshot
 * @param rejectedFlags flags of the store's latest load that failed validation (their previous
 *     valid version, if any, is served)
 * @param lastError the last store error message, null when the last call succeeded
 * @since 0.1.0
 */
public record ClientStatus(
        State state,
        Source source,
        long revision,
        @Nullable Instant lastSuccess,
        Duration snapshotAge,
        int flagCount,
        int rejectedFlags,
        @Nullable String lastError) {

    /** Overall client state. */
    public enum State {
        /** Waiting for the first load, within the startup bound. */
        STARTING,
        /** Serving a snapshot the store confirmed within the poll interval. */
        READY,
        /** Serving a snapshot the store could not confirm lately (store down, or a backup file). */
        STALE,
        /** Serving code defaults: nothing loaded, or stale past the limit with the defaults policy. */
        FAILED,
        /** Closed; evaluations serve the last snapshot but nothing refreshes. */
        CLOSED
    }

    /** Where the served data came from. */
    public enum Source {
        /** The flag store. */
        STORE,
        /** The local last-known-good backup file. */
        BACKUP_FILE,
        /** Nothing: every evaluation serves the caller's default. */
        DEFAULTS
    }

    /** Whether the client serves data from its store or backup (not just defaults). */
    public boolean hasData() {
        return source != Source.DEFAULTS;
    }
}
