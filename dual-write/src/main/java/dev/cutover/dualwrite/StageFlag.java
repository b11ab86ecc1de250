package dev.cutover.dualwrite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.flags.Allocation;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Target;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.Gap;
import dev.cutover.journal.JournalEntry;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Moves a stage flag one step at a time, refusing anything else. Every write is a compare-and-set
 * on the version just read, so two operators moving at once cannot both succeed: one gets a
 * {@link FlagWriteConflictException} and should look again before retrying.
 *
 * <pre>{@code
 * AuditInfo audit = new AuditInfo("alice", "OPS-1234: shadow reads look clean for a week");
 * StageFlag.advance(store, "orders.migration", audit);             // SHADOW -> LIVE
 * StageFlag.ramp(store, "orders.migration", Stage.LIVE, 10, audit);  // or: 10% of keys first
 * StageFlag.rollBack(store, "orders.migration", audit);            // LIVE -> SHADOW, instantly
 * }</pre>
 *
 * <p>Flags written here are string flags with one variant per stage (named and valued as the
 * stage), serving one stage to everyone, or, during a {@link #ramp}, a sticky percentage split
 * between two adjacent stages bucketed by the entity key. The off variant is the current (or, in a
 * ramp, the earlier) stage, so the flag's kill switch never skips a stage. A flag that does not exist
 * counts as {@link Stage#OLD_ONLY}. A flag written by other means is read as the set of stages it
 * can serve (targets, rules, fallthrough); every one of them must be within one step of the target.
 *
 * <p><b>Gaps.</b> The overloads that take the migration's {@link FailedWriteJournal} refuse any
 * forward move to a stage past {@link Stage#SHADOW} (LIVE, RAMP_DOWN, NEW_ONLY) while the journal
 * holds an open {@link Gap} ({@link OpenGapsException}): writes in that range may differ between
 * the stores without their keys being journaled, so the new store must not become authoritative
 * until a full reconciliation and repair have closed it. The move that makes the new store
 * authoritative (to LIVE) is also refused while the journal holds entries for keys the new store
 * missed ({@link PendingRepairsException}): repair them first ({@link JournalRepair} or
 * {@code Repair.fromJournal}), then move. Moves back are never refused. Use these overloads for
 * every move in production; the ones without a journal check nothing.
 *
 * @since 0.1.0
 */
public final class StageFlag {
    private static final String DESCRIPTION = "migration stage; move it with dev.cutover.dualwrite.StageFlag";

    private StageFlag() {}

    /** A stage flag serving {@code stage} to every entity. */
    public static Flag definition(String flagKey, Stage stage) {
        Objects.requireNonNull(stage, "stage");
        return base(flagKey)
                .offVariant(stage.name())
                .fallthrough(Serve.variant(stage.name()))
                .build();
    }

    private static Flag.Builder base(String flagKey) {
        Flag.Builder b =
                Flag.builder(Objects.requireNonNull(flagKey, "flagKey")).type(VariantType.STRING);
        for (Stage s : Stage.values()) {
            b.variant(s.name(), s.name());
        }
        return b.description(DESCRIPTION);
    }

    /**
     * The stages a flag can serve now: one, or two while a ramp is under way.
     *
     * @throws IllegalStateException when it can serve a value that names no stage, is off without
     *     an off-variant (each application would serve its own default stage), or is not a string
     *     flag
     */
    public static Set<Stage> served(Flag flag) {
        Objects.requireNonNull(flag, "flag");
        if (flag.type() != VariantType.STRING) {
            throw new IllegalStateException(
                    "flag '" + flag.key() + "' is a " + flag.type() + " flag, not a stage flag");
        }
        Set<Stage> stages = EnumSet.noneOf(Stage.class);
        if (!flag.on()) {
            String off = flag.offVariant()
                    .orElseThrow(() -> new IllegalStateException("stage flag '" + flag.key()
                            + "' is off and names no off-variant, so each application serves its own default"
                            + " stage; fix it by hand"));
            stages.add(stage(flag, off));
            return stages;
        }
        for (Target t : flag.targets()) {
            stages.add(stage(flag, t.variant()));
        }
        for (Rule r : flag.rules()) {
            addServed(flag, r.serve(), stages);
        }
        addServed(flag, flag.fallthrough(), stages);
        return stages;
    }

    private static void addServed(Flag flag, Serve serve, Set<Stage> into) {
        if (serve.variant() != null) {
            into.add(stage(flag, serve.variant()));
        } else if (serve.rollout() != null) {
            for (Allocation a : serve.rollout().allocations()) {
                if (a.thousandths() > 0) {
                    into.add(stage(flag, a.variant()));
                }
            }
        }
    }

    private static Stage stage(Flag flag, String variant) {
        String value = flag.variant(variant).map(JsonNode::asText).orElse(variant);
        return Stage.parse(value)
                .orElseThrow(() -> new IllegalStateException("stage flag '" + flag.key() + "' can serve variant '"
                        + variant + "' with value '" + value + "', which names no stage; fix it by hand"));
    }

    /** The stages the flag in {@code store} serves now ({@link Stage#OLD_ONLY} when absent). */
    public static Set<Stage> current(WritableFlagStore store, String flagKey) throws Exception {
        return read(store, flagKey).stages;
    }

    /**
     * Moves one step forward (completing a ramp, if one is under way).
     *
     * @throws IllegalStageMoveException at {@link Stage#NEW_ONLY}
     */
    public static Flag advance(WritableFlagStore store, String flagKey, AuditInfo audit) throws Exception {
        Current c = read(store, flagKey);
        Stage highest = max(c.stages);
        Stage target =
                c.stages.size() > 1 ? highest : highest.next().orElseThrow(() -> refused(flagKey, c.stages, highest));
        return write(store, c, definition(flagKey, target, c), target, null, audit);
    }

    /**
     * Like {@link #advance(WritableFlagStore, String, AuditInfo)}, refusing a move past
     * {@link Stage#SHADOW} while {@code journal} holds an open {@link Gap}.
     *
     * @throws OpenGapsException when the move goes past SHADOW and a gap is open
     */
    public static Flag advance(WritableFlagStore store, String flagKey, AuditInfo audit, FailedWriteJournal journal)
            throws Exception {
        Objects.requireNonNull(journal, "journal");
        Current c = read(store, flagKey);
        Stage highest = max(c.stages);
        Stage target =
                c.stages.size() > 1 ? highest : highest.next().orElseThrow(() -> refused(flagKey, c.stages, highest));
        return write(store, c, definition(flagKey, target, c), target, null, audit, journal);
    }

    /**
     * Moves one step back (cancelling a ramp, if one is under way).
     *
     * @throws IllegalStageMoveException at {@link Stage#OLD_ONLY}
     */
    public static Flag rollBack(WritableFlagStore store, String flagKey, AuditInfo audit) throws Exception {
        Current c = read(store, flagKey);
        Stage lowest = min(c.stages);
        Stage target =
                c.stages.size() > 1 ? lowest : lowest.previous().orElseThrow(() -> refused(flagKey, c.stages, lowest));
        return write(store, c, definition(flagKey, target, c), target, null, audit);
    }

    /**
     * Moves every entity to {@code target}, which must be within one step of every stage served now;
     * clears rules, targets and ramps. Moving to the stage already served writes nothing.
     *
     * @throws IllegalStageMoveException naming from, to and the allowed moves
     */
    public static Flag moveTo(WritableFlagStore store, String flagKey, Stage target, AuditInfo audit) throws Exception {
        Current c = read(store, flagKey);
        return write(store, c, definition(flagKey, target, c), target, null, audit);
    }

    /**
     * Like {@link #moveTo(WritableFlagStore, String, Stage, AuditInfo)}, taking effect at
     * {@code effectiveAt} on every instance at once (until then clients serve the current definition).
     *
     * @throws IllegalStateException when another scheduled move has not taken effect yet
     */
    public static Flag moveTo(
            WritableFlagStore store, String flagKey, Stage target, Instant effectiveAt, AuditInfo audit)
            throws Exception {
        Objects.requireNonNull(effectiveAt, "effectiveAt");
        Current c = read(store, flagKey);
        return write(store, c, definition(flagKey, target, c), target, effectiveAt, audit);
    }

    /**
     * Like {@link #moveTo(WritableFlagStore, String, Stage, AuditInfo)}, refusing a move past
     * {@link Stage#SHADOW} while {@code journal} holds an open {@link Gap}.
     *
     * @throws OpenGapsException when the move goes past SHADOW and a gap is open
     */
    public static Flag moveTo(
            WritableFlagStore store, String flagKey, Stage target, AuditInfo audit, FailedWriteJournal journal)
            throws Exception {
        Objects.requireNonNull(journal, "journal");
        Current c = read(store, flagKey);
        return write(store, c, definition(flagKey, target, c), target, null, audit, journal);
    }

    /**
     * Like {@link #moveTo(WritableFlagStore, String, Stage, Instant, AuditInfo)}, refusing a move past
     * {@link Stage#SHADOW} while {@code journal} holds an open {@link Gap} now.
     *
     * @throws OpenGapsException when the move goes past SHADOW and a gap is open
     */
    public static Flag moveTo(
            WritableFlagStore store,
            String flagKey,
            Stage target,
            Instant effectiveAt,
            AuditInfo audit,
            FailedWriteJournal journal)
            throws Exception {
        Objects.requireNonNull(effectiveAt, "effectiveAt");
        Objects.requireNonNull(journal, "journal");
        Current c = read(store, flagKey);
        return write(store, c, definition(flagKey, target, c), target, effectiveAt, audit, journal);
    }

    /**
     * Like {@link #ramp(WritableFlagStore, String, Stage, double, AuditInfo)}, refusing a ramp past
     * {@link Stage#SHADOW} while {@code journal} holds an open {@link Gap}.
     *
     * @throws OpenGapsException when the ramp goes past SHADOW and a gap is open
     */
    public static Flag ramp(
            WritableFlagStore store,
            String flagKey,
            Stage target,
            double percent,
            AuditInfo audit,
            FailedWriteJournal journal)
            throws Exception {
        Objects.requireNonNull(journal, "journal");
        return rampGuarded(store, flagKey, target, percent, audit, journal);
    }

    /**
     * Serves {@code target} to {@code percent} of entity keys (sticky: raising the percentage only
     * adds keys) and the adjacent stage served now to the rest. The flag must serve one stage next to
     * {@code target}, or already ramp between that stage and {@code target}.
     *
     * @param percent 0 to 100, at most three decimals
     * @throws IllegalStageMoveException when {@code target} is not next to the stage served now
     */
    public static Flag ramp(WritableFlagStore store, String flagKey, Stage target, double percent, AuditInfo audit)
            throws Exception {
        return rampGuarded(store, flagKey, target, percent, audit, null);
    }

    private static Flag rampGuarded(
            WritableFlagStore store,
            String flagKey,
            Stage target,
            double percent,
            AuditInfo audit,
            @Nullable FailedWriteJournal journal)
            throws Exception {
        Objects.requireNonNull(target, "target");
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("ramp percent must be between 0 and 100 but was " + percent);
        }
        Current c = read(store, flagKey);
        Set<Stage> others = EnumSet.copyOf(c.stages);
        others.remove(target);
        Stage from = others.size() == 1 ? others.iterator().next() : null;
        if (from == null || Math.abs(from.ordinal() - target.ordinal()) != 1) {
            throw refused(flagKey, c.stages, target);
        }
        Flag ramped = base(flagKey)
                .offVariant(from.name())
                .fallthrough(Serve.rollout(
                        Rollout.of(new Allocation(target.name(), percent), new Allocation(from.name(), 100 - percent))))
                .description(c.description(flagKey))
                .build();
        return write(store, c, ramped, target, null, audit, journal);
    }

    private static Flag definition(String flagKey, Stage target, Current c) {
        return definition(flagKey, target).toBuilder()
                .description(c.description(flagKey))
                .build();
    }

    private static Flag write(
            WritableFlagStore store, Current c, Flag next, Stage target, @Nullable Instant effectiveAt, AuditInfo audit)
            throws Exception {
        return write(store, c, next, target, effectiveAt, audit, null);
    }

    private static Flag write(
            WritableFlagStore store,
            Current c,
            Flag next,
            Stage target,
            @Nullable Instant effectiveAt,
            AuditInfo audit,
            @Nullable FailedWriteJournal journal)
            throws Exception {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(audit, "audit");
        Set<Stage> allowed = allowed(c.stages);
        boolean ok = true;
        for (Stage s : c.stages) {
            ok &= s.canMoveTo(target);
        }
        if (!ok) {
            throw new IllegalStageMoveException(next.key(), c.stages, target, allowed);
        }
        if (journal != null && target.compareTo(Stage.SHADOW) > 0 && target.compareTo(max(c.stages)) > 0) {
            List<Gap> open = journal.openGaps(Instant.now());
            if (!open.isEmpty()) {
                throw new OpenGapsException(next.key(), target, open);
            }
            if (target.authoritative() == Side.NEW && max(c.stages).authoritative() == Side.OLD) {
                long missed = pendingFor(journal, FailedWrite.Target.NEW);
                if (missed > 0) {
                    throw new PendingRepairsException(next.key(), target, missed);
                }
            }
        }
        Flag flag = c.flag;
        if (flag != null
                && c.stages.equals(served(next))
                && next.fallthrough().equals(flag.fallthrough())
                && flag.targets().isEmpty()
                && flag.rules().isEmpty()
                && effectiveAt == null
                && flag.on()) {
            return flag; // already there
        }
        Flag toWrite = effectiveAt == null
                ? next
                : next.toBuilder().effectiveAt(effectiveAt, flag).build();
        return store.put(toWrite, c.version, audit);
    }

    /** How many pending entries name {@code target} (stops counting at 10,000). */
    private static long pendingFor(FailedWriteJournal journal, FailedWrite.Target target) throws Exception {
        long found = 0;
        long after = 0;
        for (List<JournalEntry> page; !(page = journal.pending(after, 500)).isEmpty() && found < 10_000; ) {
            for (JournalEntry e : page) {
                if (e.write().target() == target) {
                    found++;
                }
            }
            after = page.get(page.size() - 1).id();
        }
        return found;
    }

    private static Set<Stage> allowed(Set<Stage> from) {
        Set<Stage> allowed = EnumSet.allOf(Stage.class);
        for (Stage s : from) {
            allowed.removeIf(t -> !s.canMoveTo(t));
        }
        if (from.size() == 1) {
            allowed.removeAll(from);
        }
        return allowed;
    }

    private static IllegalStageMoveException refused(String flagKey, Set<Stage> from, Stage to) {
        return new IllegalStageMoveException(flagKey, from, to, allowed(from));
    }

    private static Stage min(Set<Stage> stages) {
        return stages.iterator().next();
    }

    private static Stage max(Set<Stage> stages) {
        Stage last = null;
        for (Stage s : stages) {
            last = s;
        }
        return Objects.requireNonNull(last);
    }

    private static Current read(WritableFlagStore store, String flagKey) throws Exception {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(flagKey, "flagKey");
        Optional<RawFlag> raw = store.get(flagKey);
        if (raw.isEmpty()) {
            return new Current(null, 0, EnumSet.of(Stage.OLD_ONLY));
        }
        RawFlag r = raw.get();
        if (r.rejection() != null) {
            throw new IllegalStateException("stage flag '" + flagKey + "' is stored but unusable: " + r.rejection());
        }
        Flag flag = Flag.fromJson(r.json(), flagKey);
        Optional<Instant> at = flag.effectiveAt();
        if (at.isPresent() && at.get().isAfter(Instant.now())) {
            throw new IllegalStateException("stage flag '" + flagKey + "' has a move scheduled at " + at.get()
                    + " that has not taken effect; wait for it, or overwrite the flag by hand");
        }
        return new Current(flag, r.version(), served(flag));
    }

    /** The flag as read, its version and the stages it serves. */
    private record Current(@Nullable Flag flag, long version, Set<Stage> stages) {
        String description(String flagKey) {
            return flag == null ? DESCRIPTION : flag.description().orElse(DESCRIPTION);
        }
    }
}
