package dev.cutover.cli.internal;

import org.jspecify.annotations.Nullable;

/**
 * An error a command reports to the operator with its own exit code: the message is printed as is,
 * without a stack trace, and names the option it is about when there is one.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private final @Nullable String option;

    /** An error with the given {@link Exit} code and a message that says what to do. */
    public CliException(int exitCode, String message) {
        this(exitCode, null, message);
    }

    /** An error about {@code option} (such as {@code --workers}), with the given {@link Exit} code. */
    public CliException(int exitCode, @Nullable String option, String message) {
        super(message);
        this.exitCode = exitCode;
        this.option = option;
    }

    /** A usage error ({@link Exit#USAGE}) about {@code option}. */
    static CliException usage(String option, String message) {
        return new CliException(Exit.USAGE, option, message);
    }

    /**
     * A usage error: "Invalid value for option 'OPTION': PROBLEM but was 'VALUE'", with the value
     * shown on one line and cut at 200 characters.
     */
    static CliException invalid(String option, String problem, @Nullable Object value) {
        return usage(option, "Invalid value for option '" + option + "': " + problem + " but was " + shown(value));
    }

    /** A value for a message: quoted, on one line, at most 200 characters of it. */
    static String shown(@Nullable Object value) {
        if (value == null) {
            return "nothing";
        }
        String s = value.toString();
        String cut = s.length() > 200 ? s.substring(0, 200) : s;
        StringBuilder b = new StringBuilder("'");
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        b.append('\'');
        if (cut.length() < s.length()) {
            b.append("... (").append(s.length()).append(" characters)");
        }
        return b.toString();
    }

    /** The exit code. */
    public int exitCode() {
        return exitCode;
    }

    /** The option the error is about, such as {@code --workers}, or null. */
    public @Nullable String option() {
        return option;
    }
}
