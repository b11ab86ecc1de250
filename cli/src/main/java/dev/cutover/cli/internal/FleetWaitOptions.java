package dev.cutover.cli.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --wait-fleet[=TIMEOUT]} and {@code --fleet-service NAME}: a mixin of every command that
 * writes a flag the fleet serves ({@code flags set}, {@code flags rollback}, {@code flags delete},
 * {@code stage}). After the write the command waits, at most the timeout, until every live instance
 * reports the store's new revision ({@link FleetWait}); the write itself is never undone.
 */
public final class FleetWaitOptions {
    /** The timeout of a bare {@code --wait-fleet}. */
    static final String DEFAULT_TIMEOUT = "2m";

    @Option(
            names = "--wait-fleet",
            arity = "0..1",
            paramLabel = "TIMEOUT",
            fallbackValue = DEFAULT_TIMEOUT,
            converter = Timeouts.class,
            description = "After the write, wait until every live instance (heartbeats: cutover fleet) holds the"
                    + " store's new revision, and a change scheduled with --effective-at has taken effect; at most"
                    + " TIMEOUT (90s, 2m, 1h; default " + DEFAULT_TIMEOUT + ", counted from the scheduled instant"
                    + " when there is one). Exit 6 naming every instance behind when not reached; the write is kept.")
    @Nullable
    Duration timeout;

    @Option(
            names = "--fleet-service",
            paramLabel = "NAME",
            description = "With --wait-fleet: wait only for the instances of this service (matched exactly).")
    @Nullable
    String service;

    /** The command this mixin belongs to, for the arguments as typed. */
    @Spec(Spec.Target.MIXEE)
    @Nullable
    CommandSpec spec;

    /** Whether the command waits for the fleet. */
    boolean enabled() {
        return timeout != null;
    }

    /** Checks the options before anything is opened: usage errors naming the option. */
    void check(boolean dryRun) {
        checkTypedTimeouts();
        if (service != null) {
            Fleets.checkService("--fleet-service", service);
            if (timeout == null) {
                throw CliException.usage(
                        "--fleet-service",
                        "--fleet-service chooses whose instances --wait-fleet waits for; add --wait-fleet, or leave"
                                + " out --fleet-service");
            }
        }
        if (timeout != null && dryRun) {
            throw CliException.usage(
                    "--wait-fleet", "--wait-fleet waits for a write, and --dry-run writes nothing; leave one out");
        }
    }

    /**
     * Picocli takes {@code --wait-fleet=--} for a bare {@code --wait-fleet} (the {@code --} ends the
     * options, so the fallback timeout applies): every value typed after {@code =} must itself be a
     * timeout, or the command would wait 2 minutes on a value the operator never meant.
     */
    private void checkTypedTimeouts() {
        if (spec == null || spec.commandLine() == null || spec.commandLine().getParseResult() == null) {
            return;
        }
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            if (arg.equals("--")) {
                return; // what follows is not an option
            }
            if (arg.startsWith("--wait-fleet=")) {
                try {
                    Timeouts.parse(arg.substring("--wait-fleet=".length()));
                } catch (RuntimeException e) {
                    throw CliException.usage(
                            "--wait-fleet", "Invalid value for option '--wait-fleet': " + e.getMessage());
                }
            }
        }
    }
}
