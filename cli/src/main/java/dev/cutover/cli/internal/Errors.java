package dev.cutover.cli.internal;

import java.io.PrintWriter;
import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How errors reach the operator: one message on standard error naming the bad value, then what to
 * do; the exit code says what kind of error it was ({@link Exit}). No stack traces unless
 * {@code CUTOVER_DEBUG} is set.
 */
public final class Errors implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return Exit.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int code;
        if (e instanceof ParameterException p) {
            return handleParseException(p, parsed.originalArgs().toArray(String[]::new));
        } else if (e instanceof CliException c) {
            err.println("error: " + c.getMessage());
            code = c.exitCode();
            if (code == Exit.USAGE) {
                err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            }
        } else if (e instanceof SQLException) {
            err.println("error: database: " + e.getMessage());
            code = Exit.FAILED;
        } else {
            err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            code = Exit.FAILED;
        }
        if (System.getenv("CUTOVER_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
