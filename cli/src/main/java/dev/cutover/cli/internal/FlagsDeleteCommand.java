package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.Flag;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cutover flags delete KEY}: removes a flag, audited; its history stays. */
@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = {
            "Delete a flag (compare-and-set, audited). The history keeps every version: flags rollback restores one.",
            "",
            "Every instance treats a deleted flag as absent and serves its own default. A stage flag is refused unless"
                    + " it serves OLD_ONLY or NEW_ONLY, since its default is a jump back to OLD_ONLY: move it there first,"
                    + " or add --force."
        })
public final class FlagsDeleteCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The flag key.")
    String key = "";

    @Override
    String key() {
        return key;
    }

    @Option(
            names = "--expect-version",
            paramLabel = "N",
            description = "Delete only if the flag is at this version; default: the version just read.")
    @Nullable
    Long expectVersion;

    @Option(names = "--force", description = "Delete a stage flag that serves a stage other than OLD_ONLY or NEW_ONLY.")
    boolean force;

    @Option(names = "--dry-run", description = "Check everything and print what would be deleted; delete nothing.")
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

    @Override
    boolean dryRun() {
        return dryRun;
    }

    @Override
    void before() {
        auditInfo = audit.require(spec);
        if (expectVersion != null && expectVersion < 1) {
            throw CliException.invalid("--expect-version", "expected 1 or more (the version to delete)", expectVersion);
        }
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        Optional<RawFlag> raw = store.get(key);
        if (raw.isEmpty()) {
            throw new CliException(Exit.NOT_FOUND, "flag '" + key + "' does not exist in " + store.describe());
        }
        long version = raw.get().version();
        Set<Stage> stages = stages(raw.get());
        if (stages != null
                && !force
                && !(stages.equals(EnumSet.of(Stage.OLD_ONLY)) || stages.equals(EnumSet.of(Stage.NEW_ONLY)))) {
            throw new CliException(
                    Exit.REFUSED,
                    "flag '" + key + "' is a stage flag serving " + StageCommand.names(stages)
                            + ": deleted, every instance would fall back to its default stage (OLD_ONLY unless"
                            + " configured) at once, skipping stages; move it to OLD_ONLY or NEW_ONLY first"
                            + " (cutover stage " + key + "), or add --force; nothing was written");
        }
        long expected = expectVersion != null ? expectVersion : version;
        try {
            store.delete(key, expected, Objects.requireNonNull(auditInfo));
        } catch (FlagWriteConflictException e) {
            throw Conflicts.explain(store, e);
        }
        if (output.json()) {
            ObjectNode root = Json.object()
                    .put("key", key)
                    .put("action", "delete")
                    .put("dryRun", dryRun)
                    .put("previousVersion", expected);
            printJson(root);
        } else {
            out().println((dryRun ? "dry run, nothing written: would delete" : "deleted") + " flag '" + key
                    + "' at version " + expected + "; every instance now serves its own default for it. The history"
                    + " keeps it: cutover flags rollback " + key + " --to-version " + expected + " restores it");
            out().flush();
        }
        return Exit.OK;
    }

    /** The stages a stage flag serves now, or null when the flag is not a stage flag. */
    private static @Nullable Set<Stage> stages(RawFlag raw) {
        if (raw.rejection() != null) {
            return null;
        }
        try {
            Flag flag = Flag.fromJson(raw.json(), raw.key());
            Set<String> stageNames =
                    Arrays.stream(Stage.values()).map(Stage::name).collect(Collectors.toSet());
            if (flag.type() != VariantType.STRING || !stageNames.containsAll(flag.variantNames())) {
                return null;
            }
            Flag now = FlagsSetCommand.Pending.scheduled(flag) ? flag.previous().orElse(null) : flag;
            return now == null ? EnumSet.of(Stage.OLD_ONLY) : StageFlag.served(now);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
