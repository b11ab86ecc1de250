package dev.cutover.dualwrite.replication.internal;

import dev.cutover.dualwrite.replication.ApplyOutcome;
import dev.cutover.dualwrite.replication.Change;
import dev.cutover.dualwrite.replication.Reconciler;
import dev.cutover.dualwrite.replication.VersionedTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs a batch of keys: reads each on the authority (and, for an absent key, the target's
 * stored version), then applies all resulting changes in one versioned apply. The rules are on
 * {@link dev.cutover.dualwrite.replication.Repair}; the one that matters most is here: a row is
 * applied with the authority's own version, and a delete of a key the authority lacks with the
 * target's stored version plus one, so that whatever was written since wins.
 *
 * <p>The order of reads for a delete matters: authority (absent), target (version v), authority
 * again (still absent), then the delete at v + 1. A write the authority takes after its second
 * read reaches the target after v was read, so with a version above v, and is not displaced. Had
 * the target been read last, a write landing on both stores between the two reads would be
 * deleted with v + 1 right after it landed.
 */
final class ReconcileRepairBatch {
  private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.dualwrite.replication.Repair");

  /** One key to repair: read {@code authorityKey}; delete at {@code targetKey} if absent (null: from the transform). */
  record Step(String authorityKey, @Nullable String targetKey) {}

  private final Reconciler.KeyReader authority;
  private final Function<Change, Optional<Change>> transform;
  private final boolean repairDeletes;
  private final VersionedTarget target;
  private final ReconcileRepairTally tally;

  ReconcileRepairBatch(Reconciler.KeyReader authority, Function<Change, Optional<Change>> transform,
      boolean repairDeletes, VersionedTarget target, ReconcileRepairTally tally) {
    this.authority = authority;
    this.transform = transform;
    this.repairDeletes = repairDeletes;
    this.target = target;
    this.tally = tally;
  }

  /** Repairs {@code steps}; returns the authority keys that failed. */
  Set<String> run(List<Step> steps) {
    List<Change> changes = new ArrayList<>();
    List<Step> owners = new ArrayList<>();
    Set<String> failed = new HashSet<>();
    for (Step step : steps) {
      tally.keys++;
      try {
        Optional<Change> change = plan(step);
        if (change.isPresent()) {
          changes.add(change.get());
          owners.add(step);
        }
      } catch (Exception e) {
        LOG.warn("repair of {} failed while reading: {}", step.authorityKey(), e.getClass().getName());
        failed.add(step.authorityKey());
        tally.failed(step.authorityKey());
      }
    }
    if (changes.isEmpty()) {
      return failed;
    }
    List<ApplyOutcome> outcomes;
    try {
      outcomes = target.apply(changes);
      if (outcomes.size() != changes.size()) {
        throw new IllegalStateException(target.describe() + " returned " + outcomes.size() + " outcomes for "
            + changes.size() + " changes");
      }
    } catch (Exception e) {
      LOG.warn("repair of {} keys failed while applying to {}: {}", changes.size(), target.describe(),
          e.getClass().getName());
      for (Step step : owners) {
        failed.add(step.authorityKey());
        tally.failed(step.authorityKey());
      }
      return failed;
    }
    for (int i = 0; i < outcomes.size(); i++) {
      Change c = changes.get(i);
      switch (outcomes.get(i)) {
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
    return failed;
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
      throw new IllegalStateException("the stored version of " + key + " is the largest possible; no delete can follow");
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
