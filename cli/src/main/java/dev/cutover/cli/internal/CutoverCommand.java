package dev.cutover.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code cutover}: the root command, holding the environment the commands read their settings from. */
@Command(
        name = "cutover",
        mixinStandardHelpOptions = true,
        versionProvider = CutoverCommand.Version.class,
        description = "Operate a Cutover migration: flags, stages, the fleet, backfill and reconciliation.",
        subcommands = {
            FlagsCommand.class,
            StageCommand.class,
            FleetCommand.class,
            BackfillCommand.class,
            ReconcileCommand.class,
            CompletionCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  done",
            "  1  failed: a store could not be reached or failed, or a backfill failed or was stopped (its checkpoints"
                    + " are kept: run it again to resume)",
            "  2  bad arguments: the message names the option and the bad value; nothing was written",
            "  3  write conflict: the flag changed meanwhile; nothing was written",
            "  4  refused: a stage move that skips a stage, a change while another is scheduled; nothing was written",
            "  5  flag or version not found",
            "  6  done, but attention is needed: reconciliation found differences or rows it could not read (rejected,"
                    + " not migrated), a backfill rejected rows or found key collisions, a write's --wait-fleet ended"
                    + " with instances behind (the write is kept), or fleet --require-all-live found an instance that"
                    + " missed its heartbeats",
            "",
            "Connection settings come from the command line, else a profile (--profile NAME), else the environment:"
                    + " CUTOVER_JDBC_URL, CUTOVER_JDBC_USER, CUTOVER_JDBC_PASSWORD, CUTOVER_SOURCE_JDBC_URL and so on"
                    + " (CUTOVER_ and the option's name).",
            "With -o json an error is also one JSON object on standard output: {\"error\", \"code\", \"option\"}."
        })
public final class CutoverCommand {
    private final Map<String, String> environment;

    /** The root command over the process's environment. */
    public CutoverCommand() {
        this(System.getenv());
    }

    /** The root command over {@code environment}, for embedding or tests. */
    public CutoverCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The environment the commands read their settings from. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The version from the jar's build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = CutoverCommand.class.getResourceAsStream("/dev/cutover/cli/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"cutover " + p.getProperty("version", "(unknown version)")};
        }
    }
}
