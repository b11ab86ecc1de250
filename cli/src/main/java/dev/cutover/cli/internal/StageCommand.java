package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.dualwrite.IllegalStageMoveException;
import dev.cutover.dualwrite.OpenGapsException;
import dev.cutover.dualwrite.PendingRepairsException;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JdbcFailedWriteJournal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cutover stage KEY --next | --back | --to STAGE}: moves a migration stage flag one step. */
@Command(
        name = "stage",
        mixinStandardHelpOptions = true,
        description = {
            "Show or move a dual-write migration stage flag, one step at a time.",
            "",
            "The stages, in order: OLD_ONLY, DUAL_WRITE, SHADOW, LIVE, RAMP_DOWN, NEW_ONLY. A move that would skip a"
                    + " stage is refused. Without --next, --back or --to it shows the stage, and a move scheduled with"
                    + " --effective-at. With --ramp PERCENT the move reaches that share of entity keys (sticky) and the"
                    + " rest stay; --next completes a ramp, --back cancels it. A move past SHADOW (to LIVE, RAMP_DOWN or"
                    + " NEW_ONLY) is refused while the migration's journal holds an open gap; moves back are never"
                    + " refused."
        })
public final class StageCommand extends StoreCommand {

    /** The move. */
    static final class Move {
        @Option(names = "--next", required = true, description = "One stage forward (completes a ramp under way).")
        boolean next;

        @Option(names = "--back", required = true, description = "One stage back (cancels a ramp under way).")
        boolean back;

        @Option(
                names = "--to",
                required = true,
                paramLabel = "STAGE",
                description = "Move to this stage, which must be next to the current one: ${COMPLETION-CANDIDATES}.")
        @Nullable
        Stage to;
    }

    @Parameters(index = "0", paramLabel = "KEY", description = "The stage flag key.")
    String key = "";

    @Override
    String key() {
        return key;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable
    Move move;

    @Option(
            names = "--effective-at",
            paramLabel = "INSTANT",
            converter = Instants.class,
            description = "Publish now, move every instance at this ISO-8601 instant.")
    @Nullable
    Instant effectiveAt;

    @Option(
            names = "--ramp",
            paramLabel = "PERCENT",
            converter = Percent.class,
            description = "Move only this percentage of entity keys (sticky; raising it only adds keys), 0 to 100;"
                    + " with --next or --to STAGE.")
    @Nullable
    Double ramp;

    @Option(names = "--dry-run", description = "Check everything, the journal too, and print the move; write nothing.")
    boolean dryRun;

    @Mixin
    AuditOptions.ForMoves audit = new AuditOptions.ForMoves();

    @Mixin
    FleetWaitOptions waitOptions = new FleetWaitOptions();

    @Override
    FleetWaitOptions fleetWait() {
        return waitOptions;
    }

    @Option(
            names = "--journal-jdbc-url",
            paramLabel = "URL",
            description = "JDBC URL of the migration's failed-write journal, whose open gaps refuse a move past SHADOW;"
                    + " default: env CUTOVER_JOURNAL_JDBC_URL, else the flag store's JDBC URL. Uses the flag store's"
                    + " user and password.")
    @Nullable
    String journalUrl;

    @Option(
            names = "--journal-prefix",
            paramLabel = "PREFIX",
            description = "Table prefix of the journal (tables PREFIXfailed_writes, PREFIXgaps); default cutover_.")
    @Nullable
    String journalPrefix;

    @Option(
            names = "--no-journal-check",
            description =
                    "Move past SHADOW without reading the journal's gaps (when the migration has no durable journal)."
                            + " Say why in --reason.")
    boolean noJournalCheck;

    private @Nullable AuditInfo auditInfo;

    @Override
    boolean dryRun() {
        return dryRun;
    }

    @Override
    void before() {
        if (move != null) {
            auditInfo = audit.require(spec);
        } else {
            for (String[] o : new String[][] {
                {"--effective-at", effectiveAt == null ? null : "x"},
                {"--ramp", ramp == null ? null : "x"},
                {"--dry-run", dryRun ? "x" : null},
                {"--wait-fleet", waitOptions.enabled() ? "x" : null}
            }) {
                if (o[1] != null) {
                    throw CliException.usage(o[0], o[0] + " needs a move: --next, --back or --to STAGE");
                }
            }
        }
        if (ramp != null && effectiveAt != null) {
            throw CliException.usage(
                    "--ramp", "--ramp takes effect at once; leave out --effective-at, or schedule a whole move");
        }
        if (ramp != null && move != null && move.back) {
            throw CliException.usage(
                    "--ramp",
                    "--ramp moves a share of keys toward a stage: use --next or --to STAGE (--back cancels a"
                            + " ramp under way)");
        }
        String prefix = journalPrefix();
        if (!JdbcFailedWriteJournal.IDENTIFIER.matcher(prefix).matches()) {
            throw CliException.invalid(
                    "--journal-prefix",
                    "expected a lower-case letter, then up to 39 lower-case letters, digits or '_'",
                    prefix);
        }
        // a journal URL given is checked even when the move does not read the journal
        Settings.Value url = storeOptions.location(spec).settings().get("journal-jdbc-url", journalUrl);
        if (url != null) {
            Jdbc.check(url);
        }
    }

    private String journalPrefix() {
        return journalPrefix != null ? journalPrefix : FlagStoreOptions.DEFAULT_TABLE_PREFIX;
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        Optional<RawFlag> raw = store.get(key);
        long fromVersion = raw.map(RawFlag::version).orElse(0L);
        Flag flag = raw.map(this::parse).orElse(null);
        Flag served = flag;
        Flag scheduled = null;
        if (flag != null && FlagsSetCommand.Pending.scheduled(flag)) {
            scheduled = flag;
            served = flag.previous().orElse(null);
        }
        Set<Stage> before;
        try {
            before = served == null ? EnumSet.of(Stage.OLD_ONLY) : StageFlag.served(served);
        } catch (IllegalStateException e) {
            throw new CliException(Exit.REFUSED, e.getMessage());
        }
        if (move == null) {
            show(before, fromVersion, scheduled);
            return Exit.OK;
        }
        if (scheduled != null) {
            throw new CliException(
                    Exit.REFUSED,
                    "stage flag '" + key + "' has a move to " + names(StageFlag.served(scheduled)) + " scheduled at "
                            + scheduled.effectiveAt().orElseThrow() + " (version " + fromVersion
                            + ") that has not taken effect; nothing was written. Wait for it, or cancel it with"
                            + " 'cutover flags rollback " + key + " --to-version " + (fromVersion - 1) + "'");
        }
        refuseEnd(before);
        AuditInfo info = java.util.Objects.requireNonNull(auditInfo);
        Flag stored;
        try {
            stored = write(store, before, info);
        } catch (IllegalStageMoveException e) {
            throw new CliException(Exit.REFUSED, e.getMessage() + "; nothing was written");
        } catch (IllegalArgumentException e) {
            throw CliException.usage(ramp != null ? "--ramp" : "--to", e.getMessage() + "; nothing was written");
        } catch (FlagWriteConflictException e) {
            throw Conflicts.explain(store, e);
        } catch (IllegalStateException e) {
            throw new CliException(Exit.REFUSED, e.getMessage());
        }
        Set<Stage> after = StageFlag.served(stored);
        takesEffectAt(stored.effectiveAt().orElse(null));
        if (output.json()) {
            ObjectNode root = Json.object().put("key", key).put("dryRun", dryRun);
            stages(root.putArray("from"), before);
            stages(root.putArray("to"), after);
            root.put("previousVersion", fromVersion)
                    .put("version", stored.version())
                    .put(
                            "effectiveAt",
                            stored.effectiveAt().map(Object::toString).orElse(null));
            printJson(root);
        } else if (stored.version() == fromVersion) {
            out().println("stage flag '" + key + "' serves " + names(after) + " already; nothing written");
        } else {
            out().println((dryRun ? "dry run, nothing written: would move " : "") + "stage flag '" + key + "': "
                    + names(before) + " -> " + describe(stored, after) + " (version "
                    + fromVersion + " -> " + stored.version() + ")"
                    + stored.effectiveAt()
                            .map(at -> ", every instance moves at " + at)
                            .orElse(""));
        }
        out().flush();
        return Exit.OK;
    }

    /** Refuses --back at the first stage and --next at the last, saying so. */
    private void refuseEnd(Set<Stage> before) {
        Move m = java.util.Objects.requireNonNull(move);
        if (m.to == null && step(before, m.next).isEmpty()) {
            Stage at = before.iterator().next();
            throw new CliException(
                    Exit.REFUSED,
                    "stage flag '" + key + "' is at " + at + ", the " + (m.next ? "last" : "first")
                            + " stage: there is no step " + (m.next ? "forward" : "back") + "; nothing was written");
        }
    }

    /** The stages a written flag serves, with the ramp's share when one is under way. */
    private static String describe(Flag stored, Set<Stage> after) {
        dev.cutover.flags.Rollout r = stored.fallthrough().rollout();
        if (r == null || after.size() < 2) {
            return names(after);
        }
        return r.allocations().stream()
                .filter(a -> a.thousandths() > 0)
                .map(a -> a.variant() + " " + Describe.percent(a.thousandths() / 1000.0) + "%")
                .collect(Collectors.joining(" + "));
    }

    private Flag parse(RawFlag r) {
        if (r.rejection() != null) {
            throw new CliException(Exit.REFUSED, "stage flag '" + key + "' is stored but unusable: " + r.rejection());
        }
        try {
            return Flag.fromJson(r.json(), key);
        } catch (RuntimeException e) {
            throw new CliException(
                    Exit.REFUSED, "stage flag '" + key + "' version " + r.version() + " is invalid: " + e.getMessage());
        }
    }

    private Flag write(WritableFlagStore store, Set<Stage> before, AuditInfo info) throws Exception {
        Move m = java.util.Objects.requireNonNull(move);
        Stage highest = EnumSet.copyOf(before).stream().max(Stage::compareTo).orElse(Stage.OLD_ONLY);
        Stage dest = m.to != null ? m.to : step(before, m.next).orElse(highest);
        boolean legal = before.stream().allMatch(s -> s.canMoveTo(dest)); // an illegal move is refused as such first
        FailedWriteJournal journal = null;
        if (legal && dest.compareTo(Stage.SHADOW) > 0 && dest.compareTo(highest) > 0 && !noJournalCheck) {
            journal = journal();
            try {
                journal.gaps(); // readable before anything is written: a failure here is the journal's
            } catch (SQLException e) {
                throw new CliException(
                        Exit.FAILED,
                        "cannot read the journal's gaps (table " + journalPrefix() + "gaps at "
                                + Jdbc.redact(journalUrl().value()) + "): " + Errors.describe(e)
                                + "; a move past SHADOW needs the migration's journal:"
                                + " create it with 'cutover flags init --journal', pass --journal-jdbc-url and --journal-prefix,"
                                + " or --no-journal-check when it has no durable journal;"
                                + " nothing was written");
            }
        }
        try {
            return move(store, before, info, m, journal);
        } catch (OpenGapsException | PendingRepairsException e) {
            throw new CliException(Exit.REFUSED, e.getMessage() + "; nothing was written");
        }
    }

    /** The move through {@link StageFlag}: its overloads with the journal when one must be checked. */
    private Flag move(
            WritableFlagStore store, Set<Stage> before, AuditInfo info, Move m, @Nullable FailedWriteJournal journal)
            throws Exception {
        Instant at = effectiveAt;
        if (ramp != null) {
            Stage target = m.to != null ? m.to : step(before, true).orElseThrow();
            return journal == null
                    ? StageFlag.ramp(store, key, target, ramp, info)
                    : StageFlag.ramp(store, key, target, ramp, info, journal);
        }
        if (m.to != null) {
            if (at == null) {
                return journal == null
                        ? StageFlag.moveTo(store, key, m.to, info)
                        : StageFlag.moveTo(store, key, m.to, info, journal);
            }
            return journal == null
                    ? StageFlag.moveTo(store, key, m.to, at, info)
                    : StageFlag.moveTo(store, key, m.to, at, info, journal);
        }
        Optional<Stage> target = step(before, m.next);
        if (!m.next) {
            return at == null || target.isEmpty()
                    ? StageFlag.rollBack(store, key, info)
                    : StageFlag.moveTo(store, key, target.get(), at, info);
        }
        if (at == null || target.isEmpty()) { // at the end: StageFlag refuses naming the allowed moves
            return journal == null ? StageFlag.advance(store, key, info) : StageFlag.advance(store, key, info, journal);
        }
        return journal == null
                ? StageFlag.moveTo(store, key, target.get(), at, info)
                : StageFlag.moveTo(store, key, target.get(), at, info, journal);
    }

    private Settings.Value journalUrl() {
        FlagStoreOptions.Location at = storeOptions.location(spec);
        Settings.Value url = at.settings().get("journal-jdbc-url", journalUrl);
        if (url == null) {
            url = at.jdbcUrl();
        }
        if (url == null) {
            throw new CliException(
                    Exit.REFUSED,
                    "a move past SHADOW reads the migration's journal for open gaps: pass"
                            + " --journal-jdbc-url (the flag store is not on JDBC), or --no-journal-check; nothing was written");
        }
        return url;
    }

    private FailedWriteJournal journal() {
        Settings.Value url = journalUrl();
        FlagStoreOptions.Location at = storeOptions.location(spec);
        DataSource ds = Jdbc.open(url, at.user(), at.password());
        try {
            return JdbcFailedWriteJournal.builder(ds)
                    .tablePrefix(journalPrefix())
                    .build();
        } catch (SQLException | IllegalArgumentException e) {
            throw new CliException(
                    Exit.FAILED, "cannot open the journal at " + Jdbc.redact(url.value()) + ": " + Errors.describe(e));
        }
    }

    /** Where --next or --back goes from the stages served now (the other end of a ramp, or one step). */
    static Optional<Stage> step(Set<Stage> served, boolean forward) {
        EnumSet<Stage> sorted = EnumSet.copyOf(served);
        Stage low = sorted.iterator().next();
        Stage high = low;
        for (Stage s : sorted) {
            high = s;
        }
        if (sorted.size() > 1) {
            return Optional.of(forward ? high : low);
        }
        return forward ? high.next() : low.previous();
    }

    private void show(Set<Stage> served, long version, @Nullable Flag scheduled) {
        Optional<Stage> next = scheduled != null ? Optional.empty() : step(served, true);
        Optional<Stage> back = scheduled != null ? Optional.empty() : step(served, false);
        Set<Stage> then = scheduled == null ? null : StageFlag.served(scheduled);
        if (output.json()) {
            ObjectNode root = Json.object().put("key", key).put("version", version);
            stages(root.putArray("serving"), served);
            root.put("next", next.map(Stage::name).orElse(null))
                    .put("back", back.map(Stage::name).orElse(null));
            if (scheduled != null) {
                ObjectNode s = root.putObject("scheduled");
                stages(s.putArray("serving"), java.util.Objects.requireNonNull(then));
                s.put("effectiveAt", scheduled.effectiveAt().orElseThrow().toString());
            }
            Json.print(out(), root);
            return;
        }
        String state = "stage flag '" + key + "' serves " + names(served)
                + (version == 0 ? " (absent: OLD_ONLY)" : " (version " + version + ")");
        if (scheduled != null) {
            out().println(state + "; moves to " + names(java.util.Objects.requireNonNull(then)) + " at "
                    + scheduled.effectiveAt().orElseThrow() + " on every instance (scheduled in version " + version
                    + "); no other move until then: cancel it with 'cutover flags rollback " + key + " --to-version "
                    + (version - 1) + "'");
        } else {
            out().println(state + "; next: " + next.map(Stage::name).orElse("none") + ", back: "
                    + back.map(Stage::name).orElse("none"));
        }
        out().flush();
    }

    private static void stages(ArrayNode into, Set<Stage> stages) {
        EnumSet.copyOf(stages).forEach(s -> into.add(s.name()));
    }

    static String names(Set<Stage> stages) {
        return EnumSet.copyOf(stages).stream().map(Stage::name).collect(Collectors.joining(" + "));
    }
}
