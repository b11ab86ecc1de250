package dev.cutover.cli.internal;

/**
 * An error a command reports to the operator with its own exit code: the message is printed as is,
 * without a stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /** An error with the given {@link Exit} code and a message that says what to do. */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The exit code. */
    public int exitCode() {
        return exitCode;
    }
}
