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
    EXCEPTION,
    /**
     * The evaluation needed the context's targeting key and the context has none: the flag has
     * individual targets, a rule on the {@value EvaluationContext#KEY_ATTRIBUTE} attribute, or a
     * rollout bucketed by the key (directly, or because its bucketing attribute is absent). A context
     * without a key is served normally by flags that need no key.
     */
    TARGETING_KEY_MISSING,
    /**
     * An attribute that a rule or rollout read cannot be compared: an {@link EvaluationContext.Source}
     * threw {@link InvalidContextException} for it (an adapter's list or unsupported value).
     */
    INVALID_CONTEXT
}
