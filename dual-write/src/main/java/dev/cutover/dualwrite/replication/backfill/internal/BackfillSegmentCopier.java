package dev.cutover.dualwrite.replication.backfill.internal;

import dev.cutover.dualwrite.replication.ApplyOutcome;
import dev.cutover.dualwrite.replication.Change;
import dev.cutover.dualwrite.replication.CheckpointClaim;
import dev.cutover.dualwrite.replication.CheckpointStore;
import dev.cutover.dualwrite.replication.SegmentedSource;
import dev.cutover.dualwrite.replication.VersionedTarget;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one claimed segment, page by page: read, pace, transform, apply, then checkpoint. The
 * checkpoint is saved only after its page was applied, so a crash at any point re-reads at most
 * the page it was in; applying that page again is harmless, because the target applies a version
 * only once (DUPLICATE the second time). A save or done mark the store refuses means the lease
 * was lost: the copier stops at once, without writing anything more, and the segment's new owner
 * continues from the last checkpoint.
 */
final class BackfillSegmentCopier {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillSegmentCopier.class);

  private final BackfillSettings settings;
  private final BackfillRun run;
  private final BackfillRowMapper mapper;
  private final BackfillPacer pacer;
  private final BackfillCounters counters;
  private final BackfillReports reports;

  BackfillSegmentCopier(BackfillSettings settings, BackfillRun run, BackfillRowMapper mapper, BackfillPacer pacer,
      BackfillCounters counters, BackfillReports reports) {
    this.settings = settings;
    this.run = run;
    this.mapper = mapper;
    this.pacer = pacer;
    this.counters = counters;
    this.reports = reports;
  }

  /** Copies the segment until it is done, the lease is lost or the run stops. */
  void copy(CheckpointClaim claim) throws Exception {
    SegmentedSource source = settings.source();
    VersionedTarget target = settings.target();
    CheckpointStore checkpoints = settings.checkpoints();
    int segment = claim.segment();
    @Nullable String token = claim.token();
    long rows = claim.rows();
    try {
      while (true) {
        if (run.stopping()) {
          checkpoints.release(claim);
          return;
        }
        SegmentedSource.Page page = source.read(segment, token, settings.batchSize());
        if (!pacer.acquire(page.rows().size(), run::stopping)) {
          checkpoints.release(claim);
          return;
        }
        List<Change> changes = mapper.map(segment, page.rows());
        counters.read(page.rows().size());
        List<ApplyOutcome> outcomes = changes.isEmpty() ? List.of() : target.apply(changes);
        if (outcomes.size() != changes.size()) {
          throw new IllegalStateException(target.describe() + " returned " + outcomes.size() + " outcomes for "
              + changes.size() + " changes: a VersionedTarget returns one per change");
        }
        counters.outcomes(outcomes);
        rows += page.rows().size();
        String next = page.next();
        if (next == null) {
          if (!checkpoints.markDone(claim, rows)) {
            leaseLost(segment);
            return;
          }
          counters.segmentCopied();
          run.segmentDone();
          reports.segmentDone(segment, rows);
          reports.progress(run.progress());
          return;
        }
        if (page.rows().isEmpty() && next.equals(token)) {
          throw new IllegalStateException(source.describe() + " returned an empty page of segment " + segment
              + " that resumes at the same token: the segment would be read forever");
        }
        if (!checkpoints.save(claim, next, rows, settings.lease())) {
          leaseLost(segment);
          return;
        }
        token = next;
        reports.progress(run.progress());
      }
    } catch (Exception | Error e) {
      releaseQuietly(checkpoints, claim, e);
      throw e;
    }
  }

  private void leaseLost(int segment) {
    counters.leaseLost();
    reports.leaseLost(segment);
  }

  private static void releaseQuietly(CheckpointStore checkpoints, CheckpointClaim claim, Throwable cause) {
    try {
      checkpoints.release(claim);
    } catch (Exception | Error e) {
      LOG.debug("could not release segment {} after {}", claim.segment(), cause, e);
    }
  }
}
