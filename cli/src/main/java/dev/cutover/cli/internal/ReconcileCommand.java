package dev.cutover.cli.internal;

import picocli.CommandLine.Command;

/** stub. */
@Command(name = "reconcile", mixinStandardHelpOptions = true)
public final class ReconcileCommand {}
