package dev.cutover.cli.internal;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command on one flag store: checks its arguments, opens the store, runs, closes it. Every
 * argument is checked before the store is opened; a command with {@code --dry-run} runs against a
 * {@link DryRunStore}, which writes nothing.
 */
abstract class StoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FlagStoreOptions storeOptions = new FlagStoreOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public final Integer call() throws Exception {
        String key = key();
        if (key != null && !Flag.isValidKey(key)) {
            throw CliException.usage(
                    "KEY",
                    "Invalid value for parameter 'KEY': a flag key is 1 to 128 letters, digits, '.', '-' or '_' but was "
                            + CliException.shown(key));
        }
        before();
        storeOptions.location(spec); // every setting checked before anything is opened
        try (FlagStoreOptions.OpenStore open = storeOptions.open(spec)) {
            return run(dryRun() ? new DryRunStore(open.store()) : open.store());
        }
    }

    /** The flag key the command works on, or null. */
    @Nullable
    String key() {
        return null;
    }

    /** Whether the command only shows what it would write. */
    boolean dryRun() {
        return false;
    }

    /** Checks the arguments before any store is opened. */
    void before() {}

    abstract int run(WritableFlagStore store) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
