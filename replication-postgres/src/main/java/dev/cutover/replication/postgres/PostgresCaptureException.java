package dev.cutover.replication.postgres;

/**
 * A change data capture that cannot start or cannot go on: a source that is not set up for
 * logical replication (naming the setting, the table, the column or the privilege), a capture
 * whose checkpoint another process took over, a version that would not increase, or a change the
 * target refused. The message says what to change.
 *
 * <pre>{@code
 * try {
 *     capture.start();
 * } catch (PostgresCaptureException e) {
 *     log.error("capture not started: {}", e.getMessage());   // e.g. "wal_level is 'replica' ..."
 * }
 * }</pre>
 *
 * @since 0.2.0
 */
public final class PostgresCaptureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public PostgresCaptureException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public PostgresCaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
