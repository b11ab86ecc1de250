package dev.cutover.replication.internal.reconcile;

import dev.cutover.journal.RepairResult;
import java.util.ArrayList;
import java.util.List;

/** The running counts of a repair; single-threaded. */
final class ReconcileRepairTally {
    long keys;
    long upserted;
    long deleted;
    long driftRepaired;
    long alreadyCurrent;
    long keptNewer;
    long skipped;
    long failed;
    long journalResolved;
    final List<String> keptNewerKeys = new ArrayList<>();
    final List<String> failedKeys = new ArrayList<>();

    void keptNewer(String key) {
        keptNewer++;
        if (keptNewerKeys.size() < RepairResult.MAX_LISTED) {
            keptNewerKeys.add(key);
        }
    }

    void failed(String key) {
        failed++;
        if (failedKeys.size() < RepairResult.MAX_LISTED) {
            failedKeys.add(key);
        }
    }

    RepairResult result() {
        return new RepairResult(
                keys,
                upserted,
                deleted,
                driftRepaired,
                alreadyCurrent,
                keptNewer,
                skipped,
                failed,
                journalResolved,
                keptNewerKeys,
                failedKeys);
    }
}
