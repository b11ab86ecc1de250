package dev.cutover.replication.internal.backfill;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.replication.BackfillException;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link BackfillRun} on a pool of worker threads it creates and always shuts down before
 * {@link #run()} returns or throws.
 *
 * <p><b>Concurrency design.</b> The calling thread only starts the workers and waits for them. When
 * it is interrupted, it asks the workers to stop, interrupts them, waits for them up to the lease
 * (a worker blocked in a driver call may take that long), and rethrows. {@link #stop()} may be
 * called from any thread at any time; {@link #awaitEnd} lets {@code close()} wait for the pool to be
 * gone.
 */
public final class BackfillRunner {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Backfill");

    private final BackfillSettings settings;
    private final BackfillRun run;
    private final CountDownLatch ended = new CountDownLatch(1);

    public BackfillRunner(BackfillSettings settings, BackfillCounters counters) {
        this.settings = settings;
        this.run = new BackfillRun(settings, counters);
    }

    /**
     * Copies every segment left; see {@code Backfill.run()}. The caller calls {@link #ended()} once
     * it no longer counts this run as running.
     */
    public BackfillResult run() throws BackfillException, InterruptedException {
        int left;
        try {
            left = run.open();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw refused(e);
        } catch (Exception e) {
            throw failed(e);
        }
        LOG.info(
                "backfill '{}' starting: from {} to {}; {} of {} segments left ({} rows read before);"
                        + " owner {}, {} workers, pages of {}, {}, {}",
                settings.name(),
                settings.source().describe(),
                settings.target().describe(),
                left,
                left + run.doneAtStart(),
                run.rowsBefore(),
                settings.owner(),
                settings.workers(),
                settings.batchSize(),
                settings.rateLimiter() == null
                        ? "no rate limit"
                        : Math.round(BackfillPacer.rowsPerSecond(settings.rateLimiter())) + " rows/s",
                settings.checkpoints().describe());
        if (left > 0) {
            work(Math.min(settings.workers(), left));
        }
        Throwable failure = run.failure();
        if (failure != null) {
            throw failed(failure);
        }
        BackfillResult result =
                run.result(run.allDone() ? BackfillResult.Status.COMPLETED : BackfillResult.Status.STOPPED);
        LOG.info(
                "backfill '{}' {} after {}: {}; {}/{} segments done",
                settings.name(),
                result.status() == BackfillResult.Status.COMPLETED ? "completed" : "stopped",
                result.duration(),
                result.counts(),
                result.segmentsDone(),
                result.segmentsTotal());
        run.reports.finished(result);
        return result;
    }

    private void work(int threads) throws InterruptedException {
        ExecutorService pool =
                Executors.newFixedThreadPool(threads, DaemonThreads.numbered("cutover-backfill-" + settings.name()));
        try {
            List<Future<?>> workers = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(run::work));
            }
            for (Future<?> worker : workers) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a backfill worker escaped its own error handling", e.getCause());
                }
            }
        } catch (InterruptedException e) {
            run.stop();
            pool.shutdownNow();
            if (!pool.awaitTermination(settings.lease().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error(
                        "backfill '{}': workers still busy {} after an interrupt; left behind",
                        settings.name(),
                        settings.lease());
            }
            run.reports.finished(run.result(BackfillResult.Status.STOPPED));
            throw e;
        } finally {
            pool.shutdownNow();
        }
        // every worker returned: the pool's threads are idle and end at once
        if (!pool.awaitTermination(settings.lease().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("backfill '{}': worker threads did not end", settings.name());
        }
    }

    private BackfillException failed(Throwable cause) {
        BackfillResult result = run.result(BackfillResult.Status.FAILED);
        // the exception goes to the caller, who logs it: here one line, without the stack trace
        LOG.warn(
                "backfill '{}' failed after {}: {}; its checkpoints are kept",
                settings.name(),
                result.duration(),
                cause.toString());
        run.reports.finished(result);
        return new BackfillException(
                "backfill '" + settings.name() + "' failed after "
                        + result.counts().read() + " rows read; run it again to resume from its checkpoints: " + cause,
                result,
                cause);
    }

    /** The checkpoints or the source refused to start (another layout, a bad setting): running again won't help. */
    private BackfillException refused(RuntimeException cause) {
        BackfillResult result = run.result(BackfillResult.Status.FAILED);
        LOG.warn("backfill '{}' cannot start: {}", settings.name(), cause.getMessage());
        run.reports.finished(result);
        return new BackfillException(
                "backfill '" + settings.name() + "' cannot start, nothing was copied: " + cause.getMessage(),
                result,
                cause);
    }

    /** Asks the workers to stop after their current page. */
    public void stop() {
        run.stop();
    }

    /** How far the run has got. */
    public BackfillProgress progress() {
        return run.progress();
    }

    /** Marks the run as over, for {@link #awaitEnd}. */
    public void ended() {
        ended.countDown();
    }

    /** Waits until {@link #ended()}; false when that had not happened within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
