package dev.cutover.flags.internal;

/**
 * Thrown by a decision that needs the context's targeting key when the context has none (targets,
 * a rule on {@code key}, a rollout bucketed by the key); {@link FlagEvaluator} turns it into
 * {@link dev.cutover.flags.ErrorCode#TARGETING_KEY_MISSING}. One shared instance without a stack
 * trace: it is an expected outcome, not a failure to log.
 */
final class MissingTargetingKey extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final MissingTargetingKey INSTANCE = new MissingTargetingKey();

    private MissingTargetingKey() {
        super("the evaluation needs the targeting key and the context has none", null, false, false);
    }
}
