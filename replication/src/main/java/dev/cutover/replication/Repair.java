package dev.cutover.replication;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.internal.reconcile.ReconcileRepair;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Repairs the keys a reconciliation or the failed-write journal names, in an explicit direction,
 * through the versioned apply: the authoritative side's current row is read again and applied
 * with its own version, so a repair never overwrites a newer write. Rows that differ at the same
 * version are overwritten only by a compare-and-set on what the reconciliation saw, so after a
 * repair a reconciliation finds nothing, except keys written meanwhile.
 *
 * <pre>{@code
 * RepairResult result = Repair.from(report)
 *     .journal(failedWrites)                          // these keys first; entries resolved once repaired
 *     .direction(Repair.Direction.OLD_TO_NEW)         // old is authoritative
 *     .authority(oldOrders::read)                     // reads the old store by its keys
 *     .transform(row -> Optional.of(row.withKey(normalize(row.key()))))
 *     .apply(newOrders);
 * }</pre>
 *
 * <h2>Order</h2>
 *
 * First the pending journal entries for the repaired side (target {@code NEW} for {@code
 * OLD_TO_NEW}, {@code OLD} for {@code NEW_TO_OLD}), oldest first; an entry is resolved once its key
 * was repaired or found current. Then the report's keys: missing, extra, different. Collisions are
 * skipped: which old key wins is a decision for a person. Keyless journal entries (a write whose
 * key was unknown) are resolved only when a report is given whose reconciliation started after
 * them and the whole repair succeeded.
 *
 * <h2>Per key</h2>
 *
 * <ul>
 *   <li>The authority holds a live row or a tombstone: it goes through the transform and the
 *       versioned apply with the authority's version. A target holding a newer version keeps it ({@link
 *       RepairResult#keptNewer()}).
 *   <li>Same-version drift: a key the report found different whose authoritative row has the
 *       very version the reconciliation saw in the target (an edit behind the target's back, a
 *       transform bug). The target's row is overwritten with the authority's through {@link
 *       VersionedTarget#replaceIfUnchanged}, a compare-and-set on the version and the {@linkplain
 *       PayloadDigest content digest} the report recorded, so only if the target still holds
 *       exactly what the reconciliation saw ({@link RepairResult#driftRepaired()}). A row written
 *       since, by a newer version or another edit, is never overwritten ({@link
 *       RepairResult#keptNewer()}). Without a report (journal keys) a same version counts as
 *       current.
 *   <li>The authority holds nothing (absence has no version): the target's row is deleted with a
 *       tombstone at <em>its stored version plus one</em>, read between two reads of the authority
 *       that both found nothing. That delete lands only while the target still holds the version
 *       examined: any write that arrived since carries a higher version and wins (barring one
 *       carrying exactly that next version, which with clock-stamped or globally sequenced
 *       versions does not occur in practice); a write the authority took before its second read
 *       cancels the delete. This assumes the authority is written before the target, as the
 *       dual-write proxy and the mirror do, and that its reads see completed writes. A stamp
 *       from a clock would instead bury any write with an older stamp still in flight, and block
 *       a later re-create with a small sequence number, so it is not used. Turn deletes off with
 *       {@link Builder#repairDeletes} when absence on the authority is not authoritative (a
 *       partial source, or keys that cannot be mapped back).
 * </ul>
 *
 * <h2>Gaps</h2>
 *
 * A repair given both a report and the journal, that ends with no failed key, closes every
 * {@link dev.cutover.journal.Gap} of that journal that ended before the report's
 * reconciliation started: that reconciliation compared every row written before it began, and
 * everything it found is now repaired. Only then may a stage move past SHADOW again. A repair
 * from the journal alone closes no gap.
 *
 * Journal keys and report keys name the authority's rows: a journal entry's key is read on the
 * authority as it is; a report's entry by its old key ({@code OLD_TO_NEW}) or its key ({@code
 * NEW_TO_OLD}); an extra key of {@code OLD_TO_NEW} is looked up on the old side by its new key.
 * The key a delete lands on is the report's (or the transform's image of the journal key).
 *
 * @since 0.1.0
 */
public final class Repair {

    /**
     * Which side is authoritative, and which is repaired.
     *
     * @since 0.1.0
     */
    public enum Direction {
        /** The old store is authoritative; the new store is repaired (stages up to SHADOW). */
        OLD_TO_NEW,
        /** The new store is authoritative; the old store is repaired (LIVE and RAMP_DOWN, for a way back). */
        NEW_TO_OLD
    }

    private Repair() {}

    /** A repair of the keys in {@code report}. */
    public static Builder from(ReconciliationReport report) {
        return new Builder(Objects.requireNonNull(report, "report"), null);
    }

    /** A repair of the keys pending in {@code journal} only. */
    public static Builder fromJournal(FailedWriteJournal journal) {
        return new Builder(null, Objects.requireNonNull(journal, "journal"));
    }

    /**
     * Configures and runs a repair. Direction and authority are required.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final @Nullable ReconciliationReport report;
        private @Nullable FailedWriteJournal journal;
        private @Nullable Direction direction;
        private @Nullable KeyReader authority;
        private Function<Change, Optional<Change>> transform = Optional::of;
        private boolean repairDeletes = true;
        private int batchSize = 200;

        private Builder(@Nullable ReconciliationReport report, @Nullable FailedWriteJournal journal) {
            this.report = report;
            this.journal = journal;
        }

        /** Repairs the keys pending in {@code journal} first, resolving their entries. */
        public Builder journal(FailedWriteJournal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Which side is authoritative. Required: a repair never guesses its direction. */
        public Builder direction(Direction direction) {
            this.direction = Objects.requireNonNull(direction, "direction");
            return this;
        }

        /** Reads the authoritative side by its own keys (the old store for {@code OLD_TO_NEW}). Required. */
        public Builder authority(KeyReader reader) {
            this.authority = Objects.requireNonNull(reader, "authority");
            return this;
        }

        /**
         * Turns an authoritative row into the target's form (default unchanged): the reconciliation's
         * transform for {@code OLD_TO_NEW}. Also given a delete to learn the target key of an absent
         * journal key; empty leaves the key alone.
         */
        public Builder transform(Function<Change, Optional<Change>> transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /** Whether keys the authority does not hold are deleted in the target (default true). */
        public Builder repairDeletes(boolean repairDeletes) {
            this.repairDeletes = repairDeletes;
            return this;
        }

        /** Keys repaired per apply, 1 to 10,000 (default 200). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be between 1 and 10000 but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Repairs {@code target}, the non-authoritative side.
         *
         * @throws IllegalStateException when the direction or the authority is not set
         * @throws Exception when the journal cannot be read or updated; failures of single keys are
         *     counted in the result instead
         */
        public RepairResult apply(VersionedTarget target) throws Exception {
            Objects.requireNonNull(target, "target");
            if (direction == null) {
                throw new IllegalStateException(
                        "repair direction is not set: call direction(OLD_TO_NEW or NEW_TO_OLD)");
            }
            if (authority == null) {
                throw new IllegalStateException("repair authority is not set: call authority(reader of the "
                        + (direction == Direction.OLD_TO_NEW ? "old" : "new") + " store)");
            }
            return new ReconcileRepair(
                            report, journal, direction, authority, transform, repairDeletes, batchSize, target)
                    .run();
        }
    }
}
