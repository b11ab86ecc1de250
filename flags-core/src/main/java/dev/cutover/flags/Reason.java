package dev.cutover.flags;

/**
 * Why an evaluation returned its value.
 *
 * @since 0.1.0
 */
public enum Reason {
    /**
     * The flag is off: it served its off variant, or, when it names none, the caller's default
     * ({@link Evaluation#variant()} is then null).
     */
    OFF,
    /** The context's key is listed in an individual target. */
    TARGET_MATCH,
    /** A rule matched (its index is in {@link Evaluation#ruleIndex()}). */
    RULE_MATCH,
    /** No rule matched and the fallthrough rollout placed the context. */
    ROLLOUT,
    /** No target or rule matched and the fallthrough served a fixed variant. */
    FALLTHROUGH,
    /**
     * The flag serves one variant to every context: it is on and has no targets, no rules and no
     * rollout, so the value cannot vary by context (OpenFeature's {@code STATIC}).
     */
    STATIC,
    /** The snapshot has no flag with that key (or it is not yet effective): the default was served. */
    FLAG_NOT_FOUND,
    /** Something was wrong; the default was served and {@link Evaluation#errorCode()} says what. */
    ERROR
}
