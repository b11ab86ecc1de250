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
import java.util.Map;
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
            description = "Create a string flag with these variants (comma-separated; the first is the off variant).")
    List<String> variantOptions = new ArrayList<>();

    /** The names of {@code --variants}, split here so that an empty name is refused, not dropped. */
    private final List<String> variants = new ArrayList<>();

    @Option(
            names = "--metadata",
            paramLabel = "NAME=VALUE",
            description =
                    "Set a metadata entry (repeatable): true/false is a boolean, 123 an integer, 1.5 a decimal, anything else a string; NAME= with no value removes the entry.")
    List<String> metadata = new ArrayList<>();

    /** The parsed {@link #metadata}: name to value, null to remove; set by {@link #before()}. */
    private Map<String, @Nullable Object> metadataEdits = Map.of();

    @Option(names = "--dry-run", description = "Check everything and print what would be written; write nothing.")
    boolean dryRun;

    @Mixin
    AuditOptions audit = new AuditOptions();

    @Mixin
    FleetWaitOptions waitOptions = new FleetWaitOptions();

    @Override
    FleetWaitOptions fleetWait() {
        return waitOptions;
    }

    private @Nullable AuditInfo auditInfo;

    /** Attempts of the kill switch when other writes keep winning the compare-and-set. */
    private static final int KILL_SWITCH_ATTEMPTS = 5;

    @Override
    boolean dryRun() {
        return dryRun;
    }

    @Override
    void before() {
        auditInfo = audit.require(spec);
        metadataEdits = MetadataOption.parse(metadata);
        variants.clear();
        for (String given : variantOptions) {
            for (String name : given.split(",", -1)) {
                if (name.isBlank()) {
                    throw CliException.invalid(
                            "--variants", "variant names must not be blank (names separated by commas)", given);
                }
                variants.add(name);
            }
        }
        if (onOff == null && variant == null && rollout == null && variants.isEmpty() && metadata.isEmpty()) {
            throw CliException.usage(
                    "--on",
                    "Nothing to set: give --on, --off, --variant NAME, --rollout PERCENT and/or --metadata NAME=VALUE");
        }
        if (expectVersion != null && expectVersion < 0) {
            throw CliException.invalid("--expect-version", "expected 0 (absent) or more", expectVersion);
        }
    }

    /** {@code --off} alone: the kill switch, which works even while a change is scheduled. */
    private boolean killSwitch() {
        return onOff != null
                && onOff.off
                && variant == null
                && rollout == null
                && effectiveAt == null
                && variants.isEmpty()
                && metadata.isEmpty();
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return write(store);
            } catch (FlagWriteConflictException e) {
                if (!killSwitch() || expectVersion != null || attempt >= KILL_SWITCH_ATTEMPTS) {
                    throw Conflicts.explain(store, e);
                }
                spec.commandLine()
                        .getErr()
                        .println("note: flag '" + key + "' changed while turning it off (" + e.getMessage()
                                + "); reading it again");
            }
        }
    }

    private int write(WritableFlagStore store) throws Exception {
        Optional<RawFlag> raw = store.get(key);
        Flag current = raw.map(r -> current(r)).orElse(null);
        long readVersion = raw.map(RawFlag::version).orElse(0L);
        if (current != null && onOff == null && variant == null && rollout == null && metadata.isEmpty()) {
            throw CliException.usage(
                    "--variants",
                    "--variants only creates a flag, and flag '" + key + "' exists (version " + readVersion
                            + ", variants " + String.join(", ", current.variantNames())
                            + "); nothing to set: to change what it serves give --on, --off, --variant NAME or"
                            + " --rollout PERCENT, or --metadata NAME=VALUE");
        }
        Flag base = current;
        Flag cancelled = null;
        if (current != null && Pending.scheduled(current)) {
            if (!killSwitch()) {
                Pending.refuse(current, readVersion);
            }
            cancelled = current;
            base = current.previous().orElse(current);
        }
        Boolean on = onOff == null ? null : onOff.on;
        Flag next = new FlagEdit(on, variant, rollout, effectiveAt, variants, metadataEdits).apply(key, base);
        long expected = expectVersion != null ? expectVersion : readVersion;
        Flag stored = store.put(next, expected, java.util.Objects.requireNonNull(auditInfo));
        Writes.print(this, "set", key, expected, stored, cancelled);
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
            print(cmd, action, key, from, stored, null);
        }

        /**
         * Prints a write; {@code cancelled} is the scheduled change the write replaced, if any. Under
         * {@code --dry-run} it says that nothing was written.
         */
        static void print(
                StoreCommand cmd, String action, String key, long from, Flag stored, @Nullable Flag cancelled) {
            boolean dry = cmd.dryRun();
            cmd.takesEffectAt(stored.effectiveAt().orElse(null));
            if (cmd.output.json()) {
                ObjectNode root = Json.object()
                        .put("key", key)
                        .put("action", action)
                        .put("dryRun", dry)
                        .put("previousVersion", from)
                        .put("version", stored.version())
                        .put("serving", Describe.serving(stored));
                if (cancelled != null) {
                    root.putObject("cancelledSchedule")
                            .put(
                                    "effectiveAt",
                                    cancelled
                                            .effectiveAt()
                                            .map(Object::toString)
                                            .orElse(null))
                            .put("serving", Describe.serving(cancelled));
                }
                root.set("flag", Json.parse(stored.toJson()));
                cmd.printJson(root);
                return;
            }
            cmd.out()
                    .println((dry ? "dry run, nothing written: would write " : "") + "flag '" + key + "' "
                            + (from == 0 ? "created" : "version " + from + " ->") + " version "
                            + stored.version() + (action.equals("set") ? "" : " (" + action + ")") + ": "
                            + Describe.serving(stored));
            if (cancelled != null) {
                cmd.out()
                        .println("  cancelled the change scheduled at "
                                + cancelled.effectiveAt().map(Object::toString).orElse("?") + " (version " + from
                                + ", it would have served: " + Describe.serving(cancelled) + ")");
            }
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

        /** Whether the flag holds a change that has not taken effect yet. */
        static boolean scheduled(Flag flag) {
            Optional<Instant> at = flag.effectiveAt();
            return at.isPresent() && at.get().isAfter(Instant.now());
        }

        static void refuse(Flag current, long version) {
            if (scheduled(current)) {
                throw new CliException(
                        Exit.REFUSED,
                        "flag '" + current.key() + "' has a change scheduled at "
                                + current.effectiveAt().orElseThrow()
                                + " (version " + version
                                + ") that has not taken effect yet; nothing was written. Wait for it, cancel it with"
                                + " 'cutover flags rollback " + current.key() + " --to-version " + (version - 1)
                                + "', or turn the flag off now with 'cutover flags set " + current.key()
                                + " --off' (always allowed: it cancels the scheduled change)");
            }
        }
    }
}
