package dev.cutover.replication.spi;

import dev.cutover.replication.Change;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.Repair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A store that applies {@link Change}s only when they are newer than what it holds: the one write
 * path of the observer, the backfill and the repair. It is also a {@link KeyReader} of its own
 * rows, so it can be given as is to {@link Reconciler.Builder#recheck(KeyReader, KeyReader)} and
 * {@link Repair.Builder#authority(KeyReader)}.
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
public interface VersionedTarget extends SegmentedSource, KeyReader {

    /** Applies each change that is newer than the stored version of its key. */
    List<ApplyOutcome> apply(List<Change> changes) throws Exception;

    /**
     * The stored state of a key: an upsert, a tombstone (a delete), or empty if never written (or
     * its tombstone was purged). As every {@link KeyReader}, it throws when the store could not be
     * read, never returning empty instead.
     */
    @Override
    Optional<Change> read(String key) throws Exception;

    /**
     * Replaces the live row of {@code row.key()} with {@code row} at the same version, only if the
     * target still holds exactly what a reconciliation saw: a live row at {@code expectedVersion}
     * whose {@linkplain PayloadDigest content digest} is {@code expectedDigest}. The repair of
     * <em>same-version drift</em>: a row edited behind the target's back, or written by a faulty
     * transform, that a versioned apply would leave alone because its version is not newer.
     *
     * <p><b>Contract for implementations.</b>
     *
     * <ul>
     *   <li>A compare-and-set decided by the store in one atomic step (a conditional write, or a
     *       read and a write in one transaction holding the row's lock): between the comparison and
     *       the write no other write to the key can land. It never overwrites a newer version, a
     *       tombstone, a missing row, or a row at the expected version whose content digest differs
     *       from {@code expectedDigest}: it then writes nothing and returns {@link
     *       ReplaceOutcome#CHANGED}.
     *   <li>The stored version does not change ({@code row.version()} must equal {@code
     *       expectedVersion}), so versions never decrease and a later change still lands by the
     *       versioned apply's rule. The write refreshes the time of the row's last write.
     *   <li>Thread-safe, like {@link #apply}; any number of processes may call it at once.
     * </ul>
     *
     * The default implementation throws {@link UnsupportedOperationException}: a repair then counts
     * the key as failed and leaves the row as it is.
     *
     * @param expectedVersion the version the reconciliation saw in this target
     * @param expectedDigest {@link PayloadDigest#of(com.fasterxml.jackson.databind.JsonNode)} of the
     *     payload the reconciliation saw in this target
     * @param row the upsert to store instead, at {@code expectedVersion}
     * @throws IllegalArgumentException when {@code row} is a delete or its version is not {@code
     *     expectedVersion}, or when the store would refuse the row (as {@link #apply} does)
     * @since 0.1.0
     */
    default ReplaceOutcome replaceIfUnchanged(long expectedVersion, String expectedDigest, Change row)
            throws Exception {
        throw new UnsupportedOperationException(describe() + " does not support replaceIfUnchanged");
    }

    /**
     * Checks the arguments of {@link #replaceIfUnchanged} as every implementation must, naming the
     * bad value.
     *
     * @throws IllegalArgumentException when {@code row} is a delete or not at {@code expectedVersion}
     */
    static void checkReplacement(long expectedVersion, String expectedDigest, Change row) {
        java.util.Objects.requireNonNull(expectedDigest, "expectedDigest");
        java.util.Objects.requireNonNull(row, "row");
        if (row.isDelete()) {
            throw new IllegalArgumentException("replaceIfUnchanged takes an upsert but was given " + row);
        }
        if (row.version() != expectedVersion) {
            throw new IllegalArgumentException("replaceIfUnchanged keeps the version: expected version "
                    + expectedVersion + " but the row was " + row);
        }
    }

    /**
     * Removes tombstones written (applied) before {@code appliedBefore}; returns how many. Choose the
     * horizon longer than the longest delay of any change in flight plus the longest backfill: a
     * change older than a purged tombstone would otherwise resurrect its key.
     */
    long purgeTombstones(Instant appliedBefore) throws Exception;
}
