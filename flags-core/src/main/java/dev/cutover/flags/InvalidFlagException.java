package dev.cutover.flags;

/**
 * A flag definition that cannot be evaluated: bad key, malformed JSON, unknown operator, variant
 * type mismatch, rollout not adding up to 100%, and so on. The message names the key and the reason.
 *
 * @since 0.1.0
 */
public class InvalidFlagException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param key the flag key as given (may itself be the invalid part)
     * @param reason what is wrong, naming the offending value
     */
    public InvalidFlagException(String key, String reason) {
        super("invalid flag '" + key + "': " + reason);
        this.key = key;
        this.reason = reason;
    }

    /** The flag key as given. */
    public String key() {
        return key;
    }

    /** What is wrong, without the key prefix. */
    public String reason() {
        return reason;
    }
}
