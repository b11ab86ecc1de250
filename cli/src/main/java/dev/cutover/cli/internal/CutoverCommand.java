package dev.cutover.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code cutover}: the root command. */
@Command(
        name = "cutover",
        mixinStandardHelpOptions = true,
        versionProvider = CutoverCommand.Version.class,
        description = "Operate a Cutover migration: flags, stages, backfill and reconciliation.",
        subcommands = {FlagsCommand.class, StageCommand.class, BackfillCommand.class, ReconcileCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  done",
            "  1  failed: a store could not be reached or failed",
            "  2  bad arguments",
            "  3  write conflict: the flag changed meanwhile; nothing written",
            "  4  refused (a stage move that skips a stage, a change while another is scheduled)",
            "  5  flag or version not found",
            "  6  done, but attention is needed: reconciliation found differences or rows it could not read",
            "     (rejected, not migrated), or a backfill rejected rows or found key collisions"
        })
public final class CutoverCommand {

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
