package dev.cutover.replication.internal.reconcile;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.Repair;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One repair run: the journal's keys, then the report's, in batches through {@link
 * ReconcileRepairBatch}. See {@link Repair} for the rules; this class only orders the work and
 * settles the journal.
 */
public final class ReconcileRepair {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReconcileRepair.class);
    private final @Nullable ReconciliationReport report;
    private final @Nullable FailedWriteJournal journal;
    private final Repair.Direction direction;
    private final int batchSize;
    private final ReconcileRepairBatch batch;
    private final ReconcileRepairTally tally = new ReconcileRepairTally();
    private final Set<String> done = new HashSet<>();

    public ReconcileRepair(
            @Nullable ReconciliationReport report,
            @Nullable FailedWriteJournal journal,
            Repair.Direction direction,
            KeyReader authority,
            Function<Change, Optional<Change>> transform,
            boolean repairDeletes,
            int batchSize,
            VersionedTarget target) {
        this.report = report;
        this.journal = journal;
        this.direction = direction;
        this.batchSize = batchSize;
        this.batch = new ReconcileRepairBatch(authority, transform, repairDeletes, target, tally);
    }

    public RepairResult run() throws Exception {
        List<Long> keyless = journal == null ? List.of() : repairJournal(journal);
        if (report != null) {
            repairReport(report);
        }
        if (!keyless.isEmpty() && journal != null) {
            // the report's reconciliation started after these writes, so it saw their effect: resolved
            // once everything it found is repaired
            if (tally.failed == 0) {
                journal.resolve(keyless);
                tally.journalResolved += keyless.size();
            } else {
                tally.skipped += keyless.size();
            }
        }
        if (report != null && journal != null && tally.failed == 0) {
            // the reconciliation saw every write made before it started, and everything it found is
            // repaired: the gaps that ended before it are covered
            int closed = journal.closeGaps(report.startedAt());
            if (closed > 0) {
                LOG.info(
                        "closed {} gap(s) that ended before the reconciliation started at {}",
                        closed,
                        report.startedAt());
            }
        }
        return tally.result();
    }

    /** Repairs the journal's keys page by page; returns the ids of keyless entries a report may settle. */
    private List<Long> repairJournal(FailedWriteJournal journal) throws Exception {
        FailedWrite.Target repaired =
                direction == Repair.Direction.OLD_TO_NEW ? FailedWrite.Target.NEW : FailedWrite.Target.OLD;
        List<Long> keyless = new ArrayList<>();
        long after = 0;
        while (true) {
            List<JournalEntry> page = journal.pending(after, batchSize);
            if (page.isEmpty()) {
                return keyless;
            }
            Map<String, List<Long>> idsByKey = new LinkedHashMap<>();
            for (JournalEntry e : page) {
                after = e.id();
                FailedWrite w = e.write();
                if (w.target() != repaired) {
                    continue;
                }
                if (w.entityKey() == null) {
                    if (report != null && w.at().isBefore(report.startedAt())) {
                        keyless.add(e.id());
                    } else {
                        tally.skipped++;
                    }
                    continue;
                }
                idsByKey.computeIfAbsent(w.entityKey(), k -> new ArrayList<>()).add(e.id());
            }
            List<ReconcileRepairBatch.Step> steps = new ArrayList<>();
            for (String key : idsByKey.keySet()) {
                steps.add(new ReconcileRepairBatch.Step(key, null));
            }
            Set<String> failed = batch.run(steps);
            List<Long> resolved = new ArrayList<>();
            idsByKey.forEach((key, ids) -> {
                if (!failed.contains(key)) {
                    resolved.addAll(ids);
                    done.add(key);
                }
            });
            if (!resolved.isEmpty()) {
                journal.resolve(resolved);
                tally.journalResolved += resolved.size();
            }
        }
    }

    private void repairReport(ReconciliationReport r) throws Exception {
        List<ReconcileRepairBatch.Step> steps = new ArrayList<>();
        boolean oldToNew = direction == Repair.Direction.OLD_TO_NEW;
        for (Discrepancy d : r.missingInNew()) {
            // old has it: OLD_TO_NEW copies it from its old key; NEW_TO_OLD deletes it from old
            add(steps, oldToNew ? oldKey(d) : d.key(), oldToNew ? d.key() : oldKey(d));
        }
        for (Discrepancy d : r.extraInNew()) {
            add(steps, d.key(), oldToNew ? d.key() : null);
        }
        for (Discrepancy d : r.different()) {
            // same-version drift needs what the reconciliation saw in the repaired side
            add(
                    steps,
                    oldToNew ? oldKey(d) : d.key(),
                    oldToNew ? d.key() : oldKey(d),
                    oldToNew
                            ? new ReconcileRepairBatch.Seen(d.newVersion(), d.newDigest())
                            : new ReconcileRepairBatch.Seen(d.oldVersion(), d.oldDigest()));
        }
        tally.keys += r.collisions().size();
        tally.skipped += r.collisions().size();
        for (int i = 0; i < steps.size(); i += batchSize) {
            batch.run(steps.subList(i, Math.min(steps.size(), i + batchSize)));
        }
    }

    private void add(List<ReconcileRepairBatch.Step> steps, @Nullable String authorityKey, @Nullable String targetKey) {
        add(steps, authorityKey, targetKey, null);
    }

    private void add(
            List<ReconcileRepairBatch.Step> steps,
            @Nullable String authorityKey,
            @Nullable String targetKey,
            ReconcileRepairBatch.@Nullable Seen seen) {
        if (authorityKey == null) {
            tally.keys++;
            tally.skipped++;
        } else if (done.add(authorityKey)) {
            steps.add(new ReconcileRepairBatch.Step(authorityKey, targetKey, seen));
        }
    }

    private static @Nullable String oldKey(Discrepancy d) {
        return d.oldKeys().size() == 1 ? d.oldKeys().get(0) : d.oldKeys().isEmpty() ? d.key() : null;
    }
}
