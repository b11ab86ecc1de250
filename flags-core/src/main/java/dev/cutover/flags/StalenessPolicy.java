package dev.cutover.flags;

/**
 * What a client serves once its snapshot is older than the configured maximum staleness.
 *
 * @since 0.1.0
 */
public enum StalenessPolicy {
    /** Keep serving the last good snapshot (state {@code STALE}); the safe default for migrations. */
    KEEP_LAST_GOOD,
    /** Serve code defaults with {@link ErrorCode#STALE} (state {@code FAILED}) until the store answers. */
    SERVE_DEFAULTS
}
