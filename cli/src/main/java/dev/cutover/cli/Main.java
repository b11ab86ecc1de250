package dev.cutover.cli;

import dev.cutover.cli.internal.CutoverCommand;
import dev.cutover.cli.internal.Errors;
import picocli.CommandLine;

/**
 * The {@code cutover} command line.
 *
 * <pre>{@code
 * java -jar cutover-cli-<version>.jar flags list --jdbc-url jdbc:postgresql://db/app
 * java -jar cutover-cli-<version>.jar stage orders.migration --next --actor alice --reason "OPS-1"
 * }</pre>
 *
 * <p>Every command has {@code --help}; the exit codes are listed by {@code cutover --help}.
 *
 * @since 0.1.0
 */
public final class Main {
    private Main() {}

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line, not yet run: {@code commandLine().execute(args)} returns the exit
     * code instead of exiting, for embedding the commands in another tool or a test.
     */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /**
     * Like {@link #commandLine()}, reading connection settings ({@code CUTOVER_JDBC_URL} and the
     * like, {@code CUTOVER_PROFILE}, {@code CUTOVER_CONFIG_DIR}) from {@code environment} instead of
     * the process's environment.
     */
    public static CommandLine commandLine(java.util.Map<String, String> environment) {
        Errors errors = new Errors();
        return new CommandLine(new CutoverCommand(environment))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors)
                .setUsageHelpAutoWidth(true)
                .registerConverter(java.nio.file.Path.class, Errors::path);
    }
}
