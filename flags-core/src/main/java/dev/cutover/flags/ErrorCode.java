package dev.cutover.flags;

/**
 * What went wrong when an evaluation has {@link Reason#ERROR}. The default value was served.
 *
 * @since 0.1.0
 */
public enum ErrorCode {
    /** The flag's variant type does not match the requested type (e.g. a string flag read as boolean). */
    WRONG_TYPE,
    /** No snapshot has been loaded yet (still starting, or store and backup unavailable). */
    CLIENT_NOT_READY,
    /** The snapshot is older than the configured maximum staleness and the policy serves defaults. */
    STALE,
    /** The key or type argument passed by the caller was null or invalid. */
    INVALID_ARGUMENT,
    /** An unexpected exception inside evaluation; logged once per flag and counted. */
    EXCEPTION
}
