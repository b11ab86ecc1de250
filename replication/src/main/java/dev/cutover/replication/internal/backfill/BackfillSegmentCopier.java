package dev.cutover.replication.internal.backfill;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.replication.Change;
import dev.cutover.replication.internal.apply.BatchApply;
import dev.cutover.replication.internal.apply.BatchTally;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one claimed segment, page by page: read, pace, transform, apply, then checkpoint, with
 * the next page read on a thread of its own meanwhile (one page ahead), so the source's work
 * overlaps the target's. The checkpoint is saved only after its page was applied, so a crash at
 * any point reads again at most the page it was in and the one read ahead; applying that page again is harmless, because the target applies a version
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
    private final BatchApply batches;

    BackfillSegmentCopier(
            BackfillSettings settings,
            BackfillRun run,
            BackfillRowMapper mapper,
            BackfillPacer pacer,
            BackfillCounters counters,
            BackfillReports reports) {
        this.settings = settings;
        this.run = run;
        this.mapper = mapper;
        this.pacer = pacer;
        this.counters = counters;
        this.reports = reports;
        this.batches = BatchApply.to(settings.target());
    }

    /** Copies the segment until it is done, the lease is lost or the run stops. */
    void copy(CheckpointClaim claim) throws Exception {
        SegmentedSource source = settings.source();
        CheckpointStore checkpoints = settings.checkpoints();
        int segment = claim.segment();
        @Nullable String token = claim.token();
        long rows = claim.rows();
        // one page ahead: the next page is read while this one is transformed and applied
        ExecutorService ahead = Executors.newSingleThreadExecutor(
                DaemonThreads.named("cutover-backfill-" + settings.name() + "-read-" + segment));
        @Nullable Future<SegmentedSource.Page> pending = read(ahead, source, segment, token);
        try {
            while (true) {
                if (run.stopping()) {
                    checkpoints.release(claim);
                    return;
                }
                SegmentedSource.Page page = take(pending);
                String next = page.next();
                if (next != null && page.read() == 0 && next.equals(token)) {
                    throw new IllegalStateException(source.describe() + " returned an empty page of segment " + segment
                            + " that resumes at the same token: the segment would be read forever");
                }
                pending = next == null ? null : read(ahead, source, segment, next);
                if (!pacer.acquire(page.read(), run::stopping)) {
                    checkpoints.release(claim);
                    return;
                }
                // rows the source rejected were read too: counted as read and rejected, and listed
                mapper.sourceRejected(segment, page.rejected());
                List<Change> changes = mapper.map(segment, page.rows());
                counters.read(page.read());
                // a failed apply fails the run: it resumes from the last checkpoint, the page applied again
                BatchTally applied = batches.apply(changes);
                applied.rethrow();
                counters.outcomes(applied.outcomes());
                rows += page.read();
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
        } finally {
            if (pending != null) {
                pending.cancel(true);
            }
            ahead.shutdownNow();
        }
    }

    private Future<SegmentedSource.Page> read(
            ExecutorService ahead, SegmentedSource source, int segment, @Nullable String token) {
        return ahead.submit(() -> source.readPage(segment, token, settings.batchSize()));
    }

    /** The page read ahead, or what its read threw. */
    private static SegmentedSource.Page take(@Nullable Future<SegmentedSource.Page> page) throws Exception {
        if (page == null) {
            throw new IllegalStateException("no page was read ahead");
        }
        try {
            return page.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            if (cause instanceof Error x) {
                throw x;
            }
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
