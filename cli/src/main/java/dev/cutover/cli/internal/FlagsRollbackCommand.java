package dev.cutover.cli.internal;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cutover flags rollback KEY --to-version N}: writes an earlier definition again, as a new version. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Restore the definition a flag had at an earlier version, as a new version.",
            "",
            "A compare-and-set write with an audit record. The history keeps everything; nothing is erased."
        })
public final class FlagsRollbackCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The flag key.")
    String key = "";

    @Override
    String key() {
        return key;
    }

    @Option(
            names = "--to-version",
            paramLabel = "N",
            required = true,
            description = "The version whose definition to restore (see flags history).")
    long toVersion;

    @Option(
            names = "--effective-at",
            paramLabel = "INSTANT",
            converter = Instants.class,
            description = "Take effect on every instance at this ISO-8601 instant instead of now.")
    @Nullable
    Instant effectiveAt;

    @Mixin
    AuditOptions audit = new AuditOptions();

    @Mixin
    FleetWaitOptions waitOptions = new FleetWaitOptions();

    @Override
    FleetWaitOptions fleetWait() {
        return waitOptions;
    }

    private @Nullable AuditInfo auditInfo;

    @Override
    void before() {
        auditInfo = audit.require(spec);
        if (toVersion < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--to-version': versions start at 1 but was " + toVersion);
        }
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        AuditRecord target = find(store);
        if (target.after() == null) {
            throw new CliException(
                    Exit.REFUSED,
                    "version " + toVersion + " of flag '" + key
                            + "' is a delete; pick a version that defined the flag");
        }
        Optional<RawFlag> raw = store.get(key);
        long current = raw.map(RawFlag::version).orElse(0L);
        if (current == toVersion) {
            if (output.json()) {
                printJson(Json.object()
                        .put("key", key)
                        .put("action", "rollback to version " + toVersion)
                        .put("dryRun", false)
                        .put("previousVersion", current)
                        .put("version", current)
                        .put("written", false));
            } else {
                out().println("flag '" + key + "' is at version " + toVersion + " already; nothing written");
                out().flush();
            }
            return Exit.OK;
        }
        Flag restored = Flag.fromJson(target.after(), key);
        Flag now = null;
        if (raw.isPresent() && raw.get().rejection() == null) {
            try {
                now = Flag.fromJson(raw.get().json(), key);
            } catch (RuntimeException invalid) {
                now = null; // an invalid current flag is what a rollback repairs
            }
        }
        Flag.Builder b = restored.toBuilder().effectiveAt(null, null);
        if (effectiveAt != null) {
            b.effectiveAt(effectiveAt, now);
        }
        Flag stored;
        try {
            stored = store.put(b.build(), current, Objects.requireNonNull(auditInfo));
        } catch (FlagWriteConflictException e) {
            throw Conflicts.explain(store, e);
        }
        FlagsSetCommand.Writes.print(this, "rollback to version " + toVersion, key, current, stored);
        return Exit.OK;
    }

    private AuditRecord find(WritableFlagStore store) throws Exception {
        List<Long> seen = new ArrayList<>();
        String token = null;
        do {
            AuditPage page = store.history(key, token, 100);
            for (AuditRecord r : page.records()) {
                if (r.version() == toVersion) {
                    return r;
                }
                seen.add(r.version());
            }
            token = page.nextPageToken();
        } while (token != null);
        if (seen.isEmpty()) {
            throw new CliException(Exit.NOT_FOUND, "flag '" + key + "' has no history in " + store.describe());
        }
        throw new CliException(
                Exit.NOT_FOUND,
                "flag '" + key + "' has no version " + toVersion + " in its history;" + " versions: " + versions(seen));
    }

    private static String versions(List<Long> newestFirst) {
        List<String> s = new ArrayList<>();
        for (int i = newestFirst.size() - 1; i >= 0 && s.size() < 50; i--) {
            s.add(Long.toString(newestFirst.get(i)));
        }
        return String.join(", ", s) + (newestFirst.size() > 50 ? ", ..." : "");
    }
}
