package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How errors reach the operator: one message on standard error naming the option and the bad
 * value, then what to do; the exit code says what kind of error it was ({@link Exit}). Under
 * {@code -o json} the same error is also one JSON object on standard output: {@code {"error":
 * MESSAGE, "code": EXIT_CODE, "option": "--name" or null}}. No stack traces unless
 * {@code CUTOVER_DEBUG} is set.
 */
public final class Errors implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private static final Pattern OPTION = Pattern.compile("'?(--[a-z][a-z0-9-]*)'?");

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = message(e);
        err.println("error: " + message);
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        json(cmd, Arrays.asList(args), message, Exit.USAGE, option(e));
        return Exit.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof ParameterException p) {
            return handleParseException(p, parsed.originalArgs().toArray(String[]::new));
        }
        PrintWriter err = cmd.getErr();
        int code;
        String message;
        String option = null;
        if (e instanceof CliException c) {
            message = c.getMessage();
            code = c.exitCode();
            option = c.option() != null ? c.option() : code == Exit.USAGE ? optionIn(message) : null;
        } else if (e instanceof SQLException) {
            message = "database: " + describe(e);
            code = Exit.FAILED;
        } else {
            message = describe(e);
            code = Exit.FAILED;
        }
        err.println("error: " + message);
        if (code == Exit.USAGE) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        if (System.getenv("CUTOVER_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        json(cmd, parsed.originalArgs(), message, code, option);
        return code;
    }

    /**
     * A failure and its causes on one line, each message once: "reading page 3 failed: relation
     * "orders" does not exist". An exception without a message is named by its type.
     */
    static String describe(Throwable e) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null && parts.size() < 6; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null || m.isBlank()) {
                m = t.getClass().getSimpleName();
            }
            m = m.strip();
            boolean seen = false;
            for (String p : parts) {
                seen |= p.contains(m);
            }
            if (!seen) {
                parts.add(m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return String.join(": ", parts);
    }

    private static String message(ParameterException e) {
        String m = e.getMessage() == null ? "bad arguments" : e.getMessage();
        return m.startsWith("Error: ") ? m.substring("Error: ".length()) : m;
    }

    /** The option a parse error is about: the option spec, the missing one, the unmatched one, or one named in the message. */
    static @Nullable String option(ParameterException e) {
        ArgSpec spec = e.getArgSpec();
        if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
            spec = m.getMissing().get(0);
        }
        if (spec instanceof OptionSpec o) {
            return o.longestName();
        }
        if (spec instanceof PositionalParamSpec p) {
            return p.paramLabel();
        }
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            return u.getUnmatched().get(0);
        }
        return optionIn(e.getMessage());
    }

    private static @Nullable String optionIn(@Nullable String message) {
        if (message == null) {
            return null;
        }
        Matcher m = OPTION.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    /** Under {@code -o json}, the error as one JSON object on standard output. */
    private static void json(CommandLine cmd, List<String> args, String message, int code, @Nullable String option) {
        if (!jsonRequested(args)) {
            return;
        }
        ObjectNode error = Json.object().put("error", message).put("code", code).put("option", option);
        Json.print(cmd.getOut(), error);
    }

    /** Whether the arguments ask for JSON output, read from the raw arguments since parsing may have failed. */
    static boolean jsonRequested(List<String> args) {
        List<String> a = new ArrayList<>(args);
        for (int i = 0; i < a.size(); i++) {
            String s = a.get(i);
            if (s.equals("--")) {
                return false;
            }
            if ((s.equals("-o") || s.equals("--output"))
                    && i + 1 < a.size()
                    && a.get(i + 1).equalsIgnoreCase("json")) {
                return true;
            }
            if (s.equalsIgnoreCase("--output=json") || s.equalsIgnoreCase("-o=json") || s.equalsIgnoreCase("-ojson")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Converts an option's value to a path, refusing one the file system cannot name (a NUL in it)
     * with a message that shows the value escaped instead of the JDK's exception.
     */
    public static java.nio.file.Path path(String value) {
        try {
            return java.nio.file.Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new picocli.CommandLine.TypeConversionException(
                    "not a file path: " + CliException.shown(value) + " (" + e.getReason() + ")");
        }
    }
}
