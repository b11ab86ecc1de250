package dev.cutover.replication.internal.reconcile;

import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Collision;
import dev.cutover.replication.ReconciliationReport.Counts;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.ReconciliationReport.Rejection;
import dev.cutover.replication.ReconciliationReport.RowError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a reconciliation found so far: exact counts, and lists kept up to the report limit each,
 * so that a store that differs everywhere (or whose every row is rejected) cannot exhaust memory
 * through its report. Lists are
 * sorted by key when the report is built, so two runs over the same data give the same file.
 */
final class ReconcileFindings {
    private final int limit;
    private final List<Discrepancy> missing = new ArrayList<>();
    private final List<Discrepancy> extra = new ArrayList<>();
    private final List<Discrepancy> different = new ArrayList<>();
    private final List<Collision> collisions = new ArrayList<>();
    private final List<RowError> errors = new ArrayList<>();
    private final List<Rejection> rejected = new ArrayList<>();
    private long missingCount;
    private long extraCount;
    private long differentCount;
    private long collisionCount;
    private long errorCount;
    private long rejectedCount;
    private long settled;

    ReconcileFindings(int limit) {
        this.limit = limit;
    }

    void missing(Discrepancy d) {
        missingCount++;
        keep(missing, d);
    }

    void extra(Discrepancy d) {
        extraCount++;
        keep(extra, d);
    }

    void different(Discrepancy d) {
        differentCount++;
        keep(different, d);
    }

    void collision(Collision c) {
        collisionCount++;
        keep(collisions, c);
    }

    void error(RowError e) {
        errorCount++;
        keep(errors, e);
    }

    /** A row a side could not read; called by both sides' scans at once, hence the lock. */
    synchronized void rejected(Rejection r) {
        rejectedCount++;
        keep(rejected, r);
    }

    void settled() {
        settled++;
    }

    /**
     * Adds what one part of a split run found: its exact counts (but rows read, which the merged
     * digests give), and its entries while each list is below the limit.
     */
    synchronized void absorb(ReconciliationReport part) {
        Counts c = part.counts();
        missingCount += c.missingInNew();
        extraCount += c.extraInNew();
        differentCount += c.different();
        collisionCount += c.collisions();
        errorCount += c.errors();
        rejectedCount += c.rejected();
        settled += c.settledOnRecheck();
        part.missingInNew().forEach(d -> keep(missing, d));
        part.extraInNew().forEach(d -> keep(extra, d));
        part.different().forEach(d -> keep(different, d));
        part.collisions().forEach(x -> keep(collisions, x));
        part.errors().forEach(x -> keep(errors, x));
        part.rejected().forEach(x -> keep(rejected, x));
    }

    private <T> void keep(List<T> list, T item) {
        if (list.size() < limit) {
            list.add(item);
        }
    }

    synchronized ReconciliationReport report(
            ReconcileSettings s,
            Instant started,
            Instant finished,
            int differingBuckets,
            boolean rechecked,
            ReconcileDigests old,
            ReconcileDigests neu) {
        Counts counts = new Counts(
                old.liveRows,
                neu.liveRows,
                old.notMigrated,
                missingCount,
                extraCount,
                differentCount,
                collisionCount,
                errorCount,
                settled,
                rejectedCount);
        Comparator<Discrepancy> byKey = Comparator.comparing(Discrepancy::key);
        missing.sort(byKey);
        extra.sort(byKey);
        different.sort(byKey);
        collisions.sort(Comparator.comparing(Collision::key));
        errors.sort(Comparator.comparing(RowError::key).thenComparing(RowError::side));
        rejected.sort(Comparator.comparing(Rejection::side)
                .reversed() // old first
                .thenComparing(Rejection::key, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Rejection::reason));
        return new ReconciliationReport(
                s.oldSide().describe(),
                s.newSide().describe(),
                started,
                finished,
                s.buckets(),
                differingBuckets,
                rechecked,
                counts,
                missing,
                extra,
                different,
                collisions,
                errors,
                rejected);
    }
}
