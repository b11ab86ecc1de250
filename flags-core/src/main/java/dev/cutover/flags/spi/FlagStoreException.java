package dev.cutover.flags.spi;

/**
 * A store is unusable as configured or found (for example, its tables are missing). The message
 * says what to fix.
 *
 * @since 0.1.0
 */
public class FlagStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public FlagStoreException(String message) {
        super(message);
    }

    /** Creates the exception with its cause. */
    public FlagStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
