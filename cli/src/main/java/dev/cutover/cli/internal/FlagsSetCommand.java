package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cutover flags set KEY ...}: one compare-and-set write with an audit record. */
@Command(
        name = "set",
        mixinStandardHelpOptions = true,
        description = {
            "Change a flag's kill switch or what it serves (compare-and-set, audited).",
            "",
            "One compare-and-set write with an audit record.",
            "Targets and rules are kept. A flag that does not exist is created (boolean, or string with --variants)."
        })
public final class FlagsSetCommand extends StoreCommand {

    /** --on or --off. */
    static final class Switch {
        @Option(names = "--on", required = true, description = "Turn the flag on.")
        boolean on;

        @Option(names = "--off", required = true, description = "Turn the flag off: everyone gets the off variant.")
        boolean off;
    }

    @Parameters(index = "0", paramLabel = "KEY", description = "The flag key.")
    String key = "";

    @Override
    String key() {
        return key;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable
    Switch onOff;

    @Option(
            names = "--variant",
            paramLabel = "NAME",
            description =
                    "Serve this variant to everyone not matched by a target or rule (with --rollout: the variant that gets the percentage).")
    @Nullable
    String variant;

    @Option(
            names = "--rollout",
            paramLabel = "PERCENT",
            converter = Percent.class,
            description =
                    "Serve --variant (true for a boolean flag) to this percentage of contexts, sticky; the rest get the off variant. 0 to 100, e.g. 25 or 12.5%%.")
    @Nullable
    Double rollout;

    @Option(
            names = "--effective-at",
            paramLabel = "INSTANT",
            converter = Instants.class,
            description = "Publish now, take effect on every instance at this ISO-8601 instant (2026-03-01T02:00:00Z).")
    @Nullable
    Instant effectiveAt;

    @Option(
            names = "--expect-version",
            paramLabel = "N",
            description = "Write only if the flag is at this version (0: absent); default: the version just read.")
    @Nullable
    Long expectVersion;

    @Option(
            names = "--variants",
            paramLabel = "NAME",
            split = ",",
            description = "Create a string flag with these variants (comma-separated; the first is the off variant).")
    List<String> variants = new ArrayList<>();

    @Mixin
    AuditOptions audit = new AuditOptions();

    private @Nullable AuditInfo auditInfo;

    @Override
    void before() {
        auditInfo = audit.require(spec);
        if (onOff == null && variant == null && rollout == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "Nothing to set: give --on, --off, --variant NAME and/or --rollout PERCENT");
        }
        if (expectVersion != null && expectVersion < 0) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--expect-version': must be >= 0 (0: absent) but was " + expectVersion);
        }
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        Optional<RawFlag> raw = store.get(key);
        Flag current = raw.map(r -> current(r)).orElse(null);
        long readVersion = raw.map(RawFlag::version).orElse(0L);
        if (current != null) {
            Pending.refuse(current, readVersion);
        }
        Boolean on = onOff == null ? null : onOff.on;
        Flag next = new FlagEdit(on, variant, rollout, effectiveAt, variants).apply(key, current);
        long expected = expectVersion != null ? expectVersion : readVersion;
        Flag stored;
        try {
            stored = store.put(next, expected, java.util.Objects.requireNonNull(auditInfo));
        } catch (FlagWriteConflictException e) {
            throw Conflicts.explain(store, e);
        }
        Writes.print(this, "set", key, expected, stored);
        return Exit.OK;
    }

    private Flag current(RawFlag r) {
        if (r.rejection() != null) {
            throw new CliException(
                    Exit.REFUSED,
                    "flag '" + key + "' is stored but unusable (" + r.rejection()
                            + "); fix it with flags rollback --to-version of a good version");
        }
        try {
            return Flag.fromJson(r.json(), key);
        } catch (RuntimeException e) {
            throw new CliException(
                    Exit.REFUSED,
                    "flag '" + key + "' version " + r.version() + " is invalid (" + e.getMessage()
                            + "); fix it with flags rollback --to-version of a good version");
        }
    }

    /** Prints the result of a write. */
    static final class Writes {
        private Writes() {}

        static void print(StoreCommand cmd, String action, String key, long from, Flag stored) {
            if (cmd.output.json()) {
                ObjectNode root = Json.object()
                        .put("key", key)
                        .put("action", action)
                        .put("previousVersion", from)
                        .put("version", stored.version())
                        .put("serving", Describe.serving(stored));
                root.set("flag", Json.parse(stored.toJson()));
                Json.print(cmd.out(), root);
                return;
            }
            cmd.out()
                    .println("flag '" + key + "' " + (from == 0 ? "created" : "version " + from + " ->") + " version "
                            + stored.version() + (action.equals("set") ? "" : " (" + action + ")") + ": "
                            + Describe.serving(stored));
            stored.previous()
                    .ifPresent(p -> cmd.out()
                            .println("  until " + stored.effectiveAt().orElseThrow() + " every instance keeps serving: "
                                    + Describe.serving(p)));
            if (stored.previous().isEmpty() && stored.effectiveAt().isPresent()) {
                cmd.out()
                        .println("  the flag is absent for every instance until "
                                + stored.effectiveAt().orElseThrow());
            }
            cmd.out().flush();
        }
    }

    /** Refuses a change on top of a scheduled one that has not taken effect. */
    static final class Pending {
        private Pending() {}

        static void refuse(Flag current, long version) {
            Optional<Instant> at = current.effectiveAt();
            if (at.isPresent() && at.get().isAfter(Instant.now())) {
                throw new CliException(
                        Exit.REFUSED,
                        "flag '" + current.key() + "' has a change scheduled at " + at.get()
                                + " (version " + version
                                + ") that has not taken effect yet; wait for it, or cancel it with"
                                + " 'cutover flags rollback " + current.key() + " --to-version " + (version - 1) + "'");
            }
        }
    }
}
