package dev.cutover.dualwrite.replication;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A store that applies {@link Change}s only when they are newer than what it holds: the one write
 * path of the observer, the backfill and the repair.
 *
 * <p><b>Contract for implementations.</b>
 *
 * <ul>
 *   <li>A change lands only if its version is greater than the stored version of its key, live
 *       or tombstone, decided by the store itself in one conditional write (PostgreSQL {@code
 *       INSERT ... ON CONFLICT ... DO UPDATE ... WHERE}, a DynamoDB {@code ConditionExpression}),
 *       never by a read followed by a write, and without locks held across calls.
 *   <li>A delete leaves a tombstone carrying its version, so a late upsert, a duplicate or a
 *       backfilled row with an older version cannot resurrect the entity. Tombstones go only
 *       through {@link #purgeTombstones}.
 *   <li>Stored versions never decrease. Applying the same changes again, in any order, changes
 *       nothing (idempotence); applying any permutation of a set of changes leaves the same state
 *       (the highest version of each key).
 *   <li>{@link #apply} returns one outcome per change, in input order. Each change is atomic on its
 *       own; a batch is not a transaction. When it throws, any subset of the batch may have been
 *       applied (stores may write a batch's changes in parallel): applying the batch again is safe.
 *   <li>Thread-safe; any number of processes may apply to the same store at once.
 * </ul>
 *
 * @since 0.1.0
 */
public interface VersionedTarget extends SegmentedSource {

  /** Applies each change that is newer than the stored version of its key. */
  List<ApplyOutcome> apply(List<Change> changes) throws Exception;

  /** The stored state of a key: an upsert, a tombstone (a delete), or empty if never written. */
  Optional<Change> read(String key) throws Exception;

  /**
   * Removes tombstones written (applied) before {@code appliedBefore}; returns how many. Choose the
   * horizon longer than the longest delay of any change in flight plus the longest backfill: a
   * change older than a purged tombstone would otherwise resurrect its key.
   */
  long purgeTombstones(Instant appliedBefore) throws Exception;
}
