package dev.cutover.replication.internal.reconcile;

import dev.cutover.replication.Change;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.internal.apply.ApplyFailure;
import dev.cutover.replication.internal.apply.BatchApply;
import dev.cutover.replication.internal.apply.BatchTally;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.ReplaceOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs a batch of keys: reads each on the authority (and, for an absent key, the target's
 * stored version), then applies all resulting changes in one versioned apply (change by change
 * when the target refuses the batch, so that a bad row fails alone). The rules are on
 * {@link dev.cutover.replication.Repair}; the one that matters most is here: a row is
 * applied with the authority's own version, and a delete of a key the authority lacks with the
 * target's stored version plus one, so that whatever was written since wins.
 *
 * <p>The order of reads for a delete matters: authority (absent), target (version v), authority
 * again (still absent), then the delete at v + 1. A write the authority takes after its second
 * read reaches the target after v was read, so with a version above v, and is not displaced. Had
 * the target been read last, a write landing on both stores between the two reads would be
 * deleted with v + 1 right after it landed.
 *
 * <p>A key reported different whose authoritative row has the very version the reconciliation
 * saw in the target is same-version drift: the versioned apply would call it a duplicate and
 * leave it. It goes instead through {@link VersionedTarget#replaceIfUnchanged} with the version
 * and content digest the reconciliation saw, after the batch's apply, so the target's row is
 * overwritten only if nothing was written to it since: a newer write, or another edit, is kept
 * and counted as kept newer.
 */
final class ReconcileRepairBatch {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Repair");

    /**
     * One key to repair: read {@code authorityKey}; delete at {@code targetKey} if absent (null:
     * from the transform); {@code seen} is what a reconciliation saw in the target for a key it
     * found different, null otherwise.
     */
    record Step(
            String authorityKey,
            @Nullable String targetKey,
            @Nullable Seen seen) {
        Step(String authorityKey, @Nullable String targetKey) {
            this(authorityKey, targetKey, null);
        }
    }

    /** The target's row as a reconciliation saw it: its version and content digest (null if unknown). */
    record Seen(long version, @Nullable String digest) {}

    /** Same-version drift to overwrite by compare-and-set. */
    private record Replacement(Step step, Seen seen, Change row) {}

    private final KeyReader authority;
    private final Function<Change, Optional<Change>> transform;
    private final boolean repairDeletes;
    private final VersionedTarget target;
    private final ReconcileRepairTally tally;
    private final BatchApply batches;

    ReconcileRepairBatch(
            KeyReader authority,
            Function<Change, Optional<Change>> transform,
            boolean repairDeletes,
            VersionedTarget target,
            ReconcileRepairTally tally) {
        this.authority = authority;
        this.transform = transform;
        this.repairDeletes = repairDeletes;
        this.target = target;
        this.tally = tally;
        this.batches = BatchApply.to(target).splittingRefused();
    }

    /** Repairs {@code steps}; returns the authority keys that failed. */
    Set<String> run(List<Step> steps) {
        List<Change> changes = new ArrayList<>();
        List<Step> owners = new ArrayList<>();
        List<Replacement> replacements = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        for (Step step : steps) {
            tally.keys++;
            try {
                Optional<Change> change = plan(step);
                if (change.isPresent() && sameVersionDrift(step, change.get(), replacements)) {
                    continue;
                }
                if (change.isPresent()) {
                    changes.add(change.get());
                    owners.add(step);
                }
            } catch (Exception e) {
                LOG.warn(
                        "repair of {} failed while reading: {}",
                        step.authorityKey(),
                        e.getClass().getName());
                failed.add(step.authorityKey());
                tally.failed(step.authorityKey());
            }
        }
        if (!changes.isEmpty()) {
            applyAll(changes, owners, failed);
        }
        for (Replacement r : replacements) {
            replace(r, failed);
        }
        return failed;
    }

    /**
     * Whether {@code change} is same-version drift to be settled by compare-and-set rather than by
     * the versioned apply (which would leave it as a duplicate): the key was reported different and
     * the authority's row has the very version the reconciliation saw in the target. Settles, or
     * queues in {@code replacements}, what it claims.
     */
    private boolean sameVersionDrift(Step step, Change change, List<Replacement> replacements) {
        Seen seen = step.seen();
        if (seen == null || change.isDelete() || change.version() != seen.version()) {
            return false;
        }
        if (seen.digest() == null) {
            LOG.warn(
                    "repair of {} skipped: the report carries no content digest of the target's row (written by an"
                            + " earlier release?); reconcile again to repair same-version drift",
                    step.authorityKey());
            tally.skipped++;
            return true;
        }
        if (PayloadDigest.of(change).equals(seen.digest())) {
            tally.alreadyCurrent++; // the target's row as seen already holds the authority's content
            return true;
        }
        replacements.add(new Replacement(step, seen, change));
        return true;
    }

    /** Overwrites one row of same-version drift if the target still holds what was seen. */
    private void replace(Replacement r, Set<String> failed) {
        Seen seen = r.seen();
        try {
            ReplaceOutcome outcome =
                    target.replaceIfUnchanged(seen.version(), Objects.requireNonNull(seen.digest()), r.row());
            if (outcome == ReplaceOutcome.REPLACED) {
                tally.driftRepaired++;
            } else {
                tally.keptNewer(r.row().key()); // written since the reconciliation: never overwritten
            }
        } catch (Exception e) {
            LOG.warn(
                    "repair of {} failed while replacing same-version drift in {}: {}",
                    r.step().authorityKey(),
                    target.describe(),
                    e.getClass().getName());
            failed.add(r.step().authorityKey());
            tally.failed(r.step().authorityKey());
        }
    }

    /**
     * Applies the planned changes through the shared batch apply, and counts their outcomes. A
     * change the target refuses fails alone: the batch is applied again change by change, so one
     * bad row does not keep the others of its batch unrepaired.
     */
    private void applyAll(List<Change> changes, List<Step> owners, Set<String> failed) {
        BatchTally applied = batches.apply(changes);
        applied.rethrowError(); // a bug in the target ends the repair, as any Error does
        if (applied.failedWhole()) {
            LOG.warn(
                    "repair of {} keys failed while applying to {}: {}",
                    changes.size(),
                    target.describe(),
                    typeOf(applied.failure(0)));
        }
        for (int i = 0; i < applied.size(); i++) {
            Change c = changes.get(i);
            ApplyOutcome outcome = applied.outcome(i);
            if (outcome == null) {
                String key = owners.get(i).authorityKey();
                if (!applied.failedWhole()) {
                    LOG.warn(
                            "repair of {} failed while applying to {}: {}",
                            key,
                            target.describe(),
                            typeOf(applied.failure(i)));
                }
                failed.add(key);
                tally.failed(key);
                continue;
            }
            switch (outcome) {
                case APPLIED -> {
                    if (c.isDelete()) {
                        tally.deleted++;
                    } else {
                        tally.upserted++;
                    }
                }
                case DUPLICATE -> tally.alreadyCurrent++;
                case SUPERSEDED -> tally.keptNewer(c.key());
            }
        }
    }

    private static String typeOf(@Nullable ApplyFailure failure) {
        Throwable cause = failure == null ? null : failure.cause();
        return cause == null ? "interrupted" : cause.getClass().getName();
    }

    /** The change that repairs {@code step}, or empty when there is nothing to apply (counted here). */
    private Optional<Change> plan(Step step) throws Exception {
        Optional<Change> row = authority.read(step.authorityKey());
        if (row.isPresent()) {
            Optional<Change> mapped = transformed(row.get());
            if (mapped.isEmpty()) {
                tally.skipped++;
            }
            return mapped;
        }
        if (!repairDeletes) {
            tally.skipped++;
            return Optional.empty();
        }
        String key = step.targetKey();
        if (key == null) {
            Optional<Change> probe = transformed(Change.delete(step.authorityKey(), 1));
            if (probe.isEmpty()) {
                tally.skipped++;
                return Optional.empty();
            }
            key = probe.get().key();
        }
        Optional<Change> stored = target.read(key);
        if (stored.isEmpty() || stored.get().isDelete()) {
            tally.alreadyCurrent++;
            return Optional.empty();
        }
        // The target's version was read after the authority's first read; read the authority again:
        // a write it took before this second read shows here, and one after it reaches the target
        // with a version above the one just read, which the delete below cannot displace.
        Optional<Change> again = authority.read(step.authorityKey());
        if (again.isPresent()) {
            Optional<Change> mapped = transformed(again.get());
            if (mapped.isEmpty()) {
                tally.skipped++;
            }
            return mapped;
        }
        long version = stored.get().version();
        if (version == Long.MAX_VALUE) {
            throw new IllegalStateException(
                    "the stored version of " + key + " is the largest possible; no delete can follow");
        }
        return Optional.of(Change.delete(key, version + 1));
    }

    private Optional<Change> transformed(Change row) {
        Optional<Change> mapped = transform.apply(row);
        if (mapped == null) {
            throw new IllegalStateException("the transform returned null for " + row);
        }
        return mapped;
    }
}
