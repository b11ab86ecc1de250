package dev.cutover.dualwrite.replication.internal;

import dev.cutover.dualwrite.replication.ReconciliationException;
import dev.cutover.dualwrite.replication.ReconciliationReport;
import java.time.Instant;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One reconciliation: digests of both sides, rows of the differing buckets, the report. */
public final class ReconcileRun {
  private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.dualwrite.replication.Reconciler");

  private final ReconcileSettings settings;

  public ReconcileRun(ReconcileSettings settings) {
    this.settings = settings;
  }

  public ReconciliationReport run() throws ReconciliationException, InterruptedException {
    Instant started = settings.clock().instant();
    ReconcileFindings findings = new ReconcileFindings(settings.reportLimit());
    ReconcileDigests old = ReconcileDigests.ofOld(settings, findings);
    ReconcileDigests neu = ReconcileDigests.ofNew(settings);
    BitSet differing = old.differing(neu);
    ReconcileJudge judge = new ReconcileJudge(settings, findings);
    if (!differing.isEmpty()) {
      new ReconcileDrill(settings, judge).run(differing, old, neu);
    }
    if (judge.recheckFailures > 0) {
      LOG.warn("reconciliation {} -> {}: {} re-checks failed to read; those keys are reported as scanned",
          settings.oldSide().describe(), settings.newSide().describe(), judge.recheckFailures);
    }
    boolean rechecked = settings.oldReader() != null && settings.newReader() != null;
    ReconciliationReport report = findings.report(settings, started, settings.clock().instant(),
        differing.cardinality(), rechecked, old, neu);
    LOG.info("{}", report.summary());
    return report;
  }
}
