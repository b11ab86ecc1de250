package dev.cutover.cli.internal;

import dev.cutover.flags.spi.WritableFlagStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command on one flag store: opens it, runs, closes it. */
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
        if (key != null && !dev.cutover.flags.Flag.isValidKey(key)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid value for parameter 'KEY': a flag"
                            + " key is 1 to 128 letters, digits, '.', '-' or '_' but was '" + key + "'");
        }
        before();
        try (FlagStoreOptions.OpenStore open = storeOptions.open(spec)) {
            return run(open.store());
        }
    }

    /** The flag key the command works on, or null. */
    @org.jspecify.annotations.Nullable
    String key() {
        return null;
    }

    /** Checks the arguments before any store is opened. */
    void before() {}

    abstract int run(WritableFlagStore store) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
