package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command on one flag store: checks its arguments, opens the store, runs, closes it. Every
 * argument is checked before the store is opened; a command with {@code --dry-run} runs against a
 * {@link DryRunStore}, which writes nothing. A command with {@code --wait-fleet} ({@link
 * #fleetWait()}) has the fleet's heartbeats checked before it runs and waits for the fleet after it
 * wrote ({@link FleetWait}); its JSON document ({@link #printJson}) then carries the wait's outcome.
 */
abstract class StoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FlagStoreOptions storeOptions = new FlagStoreOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    /** The wait after the write, under {@code --wait-fleet}; set once the store is open. */
    private @Nullable FleetWait fleet;

    /** The write's JSON document, kept for the wait's outcome. */
    private @Nullable ObjectNode written;

    /** When the write takes effect, if scheduled. */
    private @Nullable Instant effectiveAt;

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
        FleetWaitOptions wait = fleetWait();
        if (wait != null) {
            wait.check(dryRun());
        }
        FlagStoreOptions.Location at = storeOptions.location(spec); // every setting checked before anything is opened
        try (FlagStoreOptions.OpenStore open = storeOptions.open(spec)) {
            WritableFlagStore store = open.store();
            fleet = wait != null && wait.enabled() ? FleetWait.prepare(store, wait, at) : null;
            int code = run(dryRun() ? new DryRunStore(store) : store);
            if (fleet == null || code != Exit.OK) {
                return code;
            }
            FleetWait.Outcome outcome =
                    fleet.await(effectiveAt, spec.commandLine().getErr());
            return fleet.finish(this, outcome, written);
        }
    }

    /** The {@code --wait-fleet} options of a command that writes a flag the fleet serves, or null. */
    @Nullable
    FleetWaitOptions fleetWait() {
        return null;
    }

    /**
     * Prints the command's JSON document, or under {@code --wait-fleet} keeps it until the wait has
     * ended, to print it once with the wait's outcome as its {@code fleet} member.
     */
    void printJson(ObjectNode root) {
        if (fleet != null) {
            written = root;
        } else {
            Json.print(out(), root);
        }
    }

    /**
     * The instant the change just written takes effect on every instance; kept only when it is still
     * ahead (a definition may carry an instant that passed long ago).
     */
    void takesEffectAt(@Nullable Instant at) {
        effectiveAt = at != null && at.isAfter(Instant.now()) ? at : null;
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
