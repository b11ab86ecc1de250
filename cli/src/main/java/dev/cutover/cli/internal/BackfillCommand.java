package dev.cutover.cli.internal;

import picocli.CommandLine.Command;

/** stub. */
@Command(name = "backfill", mixinStandardHelpOptions = true)
public final class BackfillCommand {}
