package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.examples.MigrationReport;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.ReconciliationReport;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The closing part of the {@link RekeyMigration} report: the reconciliation counts, the flips, the
 * traffic, stream and shadow-read counters, and the expectations that make the report clean or not.
 * Each method adds its facts and expectations to the one {@link MigrationReport} of the run, in the
 * order the migration calls it.
 */
final class RekeyReport {
    private final MigrationReport report;

    RekeyReport(MigrationReport report) {
        this.report = report;
    }

    /** Records a reconciliation; drift, errors or collisions other than the near-duplicates are problems. */
    void check(String label, ReconciliationReport r, DirtyKeys keys) {
        ReconciliationReport.Counts c = r.counts();
        report.fact(
                label,
                String.format(
                        "missing %d, extra %d, different %d, errors %d; collisions %d (the"
                                + " near-duplicates: not compared, not repaired); %,d old rows, %,d new; %d settled on re-check",
                        c.missingInNew(),
                        c.extraInNew(),
                        c.different(),
                        c.errors(),
                        c.collisions(),
                        c.oldRows(),
                        c.newRows(),
                        c.settledOnRecheck()));
        report.expect(
                c.missingInNew() + c.extraInNew() + c.different() + c.errors() == 0,
                label + " found drift: " + r.summary());
        report.expect(
                pairs(r.collisions().stream().map(x -> Set.copyOf(x.oldKeys()))).equals(nearDuplicates(keys)),
                label + " collisions " + r.collisions() + " are not exactly the near-duplicates "
                        + keys.nearDuplicates());
    }

    /** Records the flips, the counters and the final reconciliation once the traffic has stopped. */
    void finish(
            DirtyKeys keys,
            BackfillResult backfill,
            ServiceFleet fleet,
            StreamSync sync,
            MissedWriteReplay repair,
            ReconciliationReport before,
            List<FlipWatch.Result> flips,
            List<StageSwitch.FleetReport> fleetViews,
            ReconciliationReport after)
            throws Exception {
        for (int i = 0; i < flips.size(); i++) {
            FlipWatch.Result r = flips.get(i);
            report.fact(
                    "flip " + (i + 1) + ": " + r.from() + " -> " + r.to(),
                    String.format(
                            "effectiveAt %s, published"
                                    + " %,d ms ahead; held by every service %,d ms before (fleet view); all %d agreed within %s; %d late and %d early"
                                    + " reads of %,d after",
                            r.effectiveAt(),
                            r.lead().toMillis(),
                            r.heldBefore().toMillis(),
                            r.services(),
                            r.agreedWithin() == null
                                    ? "- (not all)"
                                    : r.agreedWithin().toMillis() + " ms",
                            r.lateReads(),
                            r.earlyReads(),
                            r.readsAfter()));
            report.expect(
                    r.unison(), "flip " + (i + 1) + " " + r.from() + " -> " + r.to() + " was not in unison: " + r);
            StageSwitch.FleetReport seen = fleetViews.get(i);
            report.fact("  fleet view", seen.toString());
            report.expect(seen.all(), "the fleet view does not show every service on " + r.to() + ": " + seen);
        }
        report.fact(
                "items written by traffic",
                String.format("%,d (updates, deletes, new orders); %,d reads", fleet.writes(), fleet.reads()));
        report.fact(
                "stream records mirrored",
                String.format(
                        "%,d: %,d applied, %,d superseded, %,d duplicates;" + " %d rejected, %d collisions",
                        sync.counts().records(),
                        sync.applied(),
                        sync.superseded(),
                        sync.duplicates(),
                        sync.counts().rejected(),
                        sync.collisions()));
        report.fact(
                "shadow reads compared",
                String.format(
                        "%,d matched, %,d mismatched, %,d changed in flight,"
                                + " %,d not compared (timed out, shed, error)",
                        fleet.comparisons(ComparisonReport.Outcome.MATCH),
                        fleet.comparisons(ComparisonReport.Outcome.MISMATCH),
                        fleet.comparisons(ComparisonReport.Outcome.CHANGED),
                        fleet.comparisons(ComparisonReport.Outcome.ERROR)
                                + fleet.comparisons(ComparisonReport.Outcome.TIMED_OUT)
                                + fleet.comparisons(ComparisonReport.Outcome.SHED)
                                + fleet.comparisons(ComparisonReport.Outcome.SKIPPED_CIRCUIT_OPEN)));
        report.fact(
                "shadow writes missed",
                String.format(
                        "%,d, each journaled; %,d repaired from the journal (the old"
                                + " table's before every flip back to it)",
                        fleet.shadowWritesMissed(), repair.repaired()));
        report.expect(
                repair.repaired() == fleet.shadowWritesMissed(),
                fleet.shadowWritesMissed() + " shadow writes missed but " + repair.repaired() + " repaired");
        check("final reconciliation", after, keys);
        report.fact(
                "errors seen by the application",
                fleet.errors() + (fleet.firstError() == null ? "" : " (first: " + fleet.firstError() + ")"));
        report.expect(fleet.errors() == 0, fleet.errors() + " calls failed in the services");
        report.expect(
                sync.counts().rejected() == 0 && sync.counts().trimmed() == 0,
                "the stream reader left records out: " + sync.counts());
        report.expect(sync.collisions() == 0, "the stream saw " + sync.collisions() + " collisions of live ids");
    }

    static Set<Set<String>> nearDuplicates(DirtyKeys keys) {
        return pairs(keys.nearDuplicates().stream().map(p -> Set.of(p.first(), p.second())));
    }

    static Set<Set<String>> pairs(Stream<Set<String>> pairs) {
        return pairs.collect(Collectors.toSet());
    }
}
