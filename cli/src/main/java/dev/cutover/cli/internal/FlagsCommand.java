package dev.cutover.cli.internal;

import picocli.CommandLine.Command;

/** {@code cutover flags}: read and write flags, compare-and-set, with audit history. */
@Command(
        name = "flags",
        mixinStandardHelpOptions = true,
        description = "Create the store, list, read, change, delete, audit and roll back flags in a JDBC or DynamoDB"
                + " flag store.",
        subcommands = {
            FlagsInitCommand.class,
            FlagsListCommand.class,
            FlagsGetCommand.class,
            FlagsSetCommand.class,
            FlagsHistoryCommand.class,
            FlagsRollbackCommand.class,
            FlagsDeleteCommand.class
        })
public final class FlagsCommand {}
