package dev.cutover.journal;

import java.util.List;

/**
 * What a {@code dev.cutover.replication.Repair} or {@code dev.cutover.dualwrite.JournalRepair} did, key by key counted once each.
 *
 * <pre>{@code
 * RepairResult result = Repair.from(report).direction(Repair.Direction.OLD_TO_NEW)
 *     .authority(oldStore::read).apply(newStore);
 * if (result.failed() > 0) {
 *   log.warn("repair incomplete: {}", result.failedKeys());
 * }
 * }</pre>
 *
 * @param keys keys examined (journal entries with the same key count once per pass)
 * @param upserted keys written with the authority's live row
 * @param deleted keys deleted (a tombstone written) because the authority has none
 * @param driftRepaired keys a reconciliation found different at the same version on both sides,
 *     whose target row was overwritten with the authority's because it still held exactly the
 *     version and content the reconciliation saw ({@code VersionedTarget.replaceIfUnchanged})
 * @param alreadyCurrent keys the target already held as the authority does (same version and,
 *     for a key reported different, the same content; or both without a live row)
 * @param keptNewer keys where the target holds a newer version than the authority, or was written
 *     while the repair ran (for same-version drift: the target's row no longer held the version
 *     and content the reconciliation saw): never overwritten
 * @param skipped keys not repaired on purpose: collisions, rows the transform leaves out, deletes
 *     when {@code repairDeletes} is off, keyless journal entries without a later reconciliation,
 *     same-version drift in a report without content digests (written by an earlier release)
 * @param failed keys where reading or applying threw; their journal entries stay pending
 * @param journalResolved journal entries marked repaired
 * @param keptNewerKeys up to 1,000 of the keys counted in {@code keptNewer}
 * @param failedKeys up to 1,000 of the keys counted in {@code failed}
 * @since 0.1.0
 */
public record RepairResult(
        long keys,
        long upserted,
        long deleted,
        long driftRepaired,
        long alreadyCurrent,
        long keptNewer,
        long skipped,
        long failed,
        long journalResolved,
        List<String> keptNewerKeys,
        List<String> failedKeys) {

    /** The most keys each list holds. */
    public static final int MAX_LISTED = 1000;

    public RepairResult {
        keptNewerKeys = List.copyOf(keptNewerKeys);
        failedKeys = List.copyOf(failedKeys);
    }

    /** A result without same-version drift repaired: {@code driftRepaired} is 0. */
    public RepairResult(
            long keys,
            long upserted,
            long deleted,
            long alreadyCurrent,
            long keptNewer,
            long skipped,
            long failed,
            long journalResolved,
            List<String> keptNewerKeys,
            List<String> failedKeys) {
        this(
                keys,
                upserted,
                deleted,
                0,
                alreadyCurrent,
                keptNewer,
                skipped,
                failed,
                journalResolved,
                keptNewerKeys,
                failedKeys);
    }

    /** Keys changed in the target: upserted, deleted and drift repaired. */
    public long repaired() {
        return upserted + deleted + driftRepaired;
    }

    @Override
    public String toString() {
        return "RepairResult[keys=" + keys + ", upserted=" + upserted + ", deleted=" + deleted + ", driftRepaired="
                + driftRepaired + ", alreadyCurrent=" + alreadyCurrent + ", keptNewer=" + keptNewer + ", skipped="
                + skipped + ", failed=" + failed
                + ", journalResolved=" + journalResolved + "]";
    }
}
