package dev.cutover.replication.spi;

import dev.cutover.replication.Change;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.Repair;
import java.util.Optional;

/**
 * Reads one row of a store by its key: what a {@link Reconciler} re-checks a discrepancy with
 * ({@link Reconciler.Builder#recheck(KeyReader, KeyReader)}) and what a {@link Repair} reads its
 * authority with ({@link Repair.Builder#authority(KeyReader)}). Every {@link VersionedTarget} is
 * one.
 *
 * <p><b>Contract for implementations.</b>
 *
 * <ul>
 *   <li>{@link #read} returns the stored state of the key, in the store's own key space: a live
 *       row (an upsert) or a tombstone (a delete), with the version stored.
 *   <li><b>Absent</b> means empty: the key was never written, or its tombstone has been purged.
 *       A store that keeps no tombstones returns empty for a deleted key. Empty is a statement
 *       about the store: a repair deletes the target's row of a key its authority reads as empty.
 *   <li><b>Errors.</b> A read that fails (a connection lost, a timeout, a row that cannot be
 *       decoded) throws; it never returns empty in place of an answer. A reconciliation then
 *       reports the discrepancy as scanned, and a repair counts the key as failed and leaves it
 *       as it is.
 *   <li>Thread-safe: the same reader may be called by several reconciliations and repairs at once.
 * </ul>
 *
 * <pre>{@code
 * KeyReader oldOrders = key -> oldStore.findById(key).map(row -> Change.upsert(key, row.version(), row.json()));
 * Reconciler.between(oldSource, newOrders).recheck(oldOrders, newOrders).run();
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface KeyReader {
    /**
     * The stored state of {@code key}, in the store's own key space: an upsert, a tombstone (a
     * delete), or empty when the key is absent.
     *
     * @throws Exception when the store could not be read; never empty instead
     */
    Optional<Change> read(String key) throws Exception;
}
