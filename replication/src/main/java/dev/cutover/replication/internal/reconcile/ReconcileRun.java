package dev.cutover.replication.internal.reconcile;

import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.ReconciliationReport;
import java.time.Instant;
import java.util.BitSet;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One reconciliation: digests of both sides, rows of the differing buckets, the report. */
public final class ReconcileRun {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Reconciler");

    private final ReconcileSettings settings;

    public ReconcileRun(ReconcileSettings settings) {
        this.settings = settings;
    }

    public ReconciliationReport run() throws ReconciliationException, InterruptedException {
        Instant started = settings.clock().instant();
        ReconcileFindings findings = new ReconcileFindings(settings.reportLimit());
        ExecutorService io = Parallel.threads("cutover-reconcile");
        BitSet differing;
        ReconcileJudge judge = new ReconcileJudge(settings, findings);
        ReconcileDigests[] sides = new ReconcileDigests[2];
        try {
            // both sides at once: the old on this thread, the new on one of io's
            Parallel.both(
                    io,
                    () -> sides[0] = ReconcileDigests.ofOld(settings, findings, io),
                    () -> sides[1] = ReconcileDigests.ofNew(settings, findings, io));
            differing = sides[0].differing(sides[1]);
            if (!differing.isEmpty()) {
                new ReconcileDrill(settings, judge).run(differing, sides[0], sides[1], io);
            }
        } finally {
            io.shutdownNow();
        }
        ReconcileDigests old = sides[0];
        ReconcileDigests neu = sides[1];
        if (judge.recheckFailures > 0) {
            LOG.warn(
                    "reconciliation {} -> {}: {} re-checks failed to read; those keys are reported as scanned",
                    settings.oldSide().describe(),
                    settings.newSide().describe(),
                    judge.recheckFailures);
        }
        boolean rechecked = settings.oldReader() != null && settings.newReader() != null;
        ReconciliationReport report = findings.report(
                settings, started, settings.clock().instant(), differing.cardinality(), rechecked, old, neu);
        LOG.info("{}", report.summary());
        return report;
    }
}
