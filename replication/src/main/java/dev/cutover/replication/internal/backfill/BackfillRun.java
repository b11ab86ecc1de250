package dev.cutover.replication.internal.backfill;

import dev.cutover.replication.BackfillCounts;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.BackfillRowEstimate;
import dev.cutover.replication.internal.SegmentLayouts;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a backfill: its workers' shared state and their loop.
 *
 * <p><b>Concurrency design.</b> Each worker thread loops: claim a segment, copy it, repeat; when no
 * segment is claimable it reads every checkpoint, returns if all are done, else waits a poll
 * interval (segments held by other processes may come free when their lease expires). Segments
 * are claimed only through the checkpoint store's conditional write, so workers of this process
 * and of others never copy one segment at once under a live lease. Within the process, {@code
 * held} keeps two workers from claiming the same segment (a store lets an owner re-claim its own
 * segment, for a restarted process). Stopping is one volatile flag, checked between pages and in
 * the rate limiter's wait; the monitor wakes pollers at once. The first failure is kept in an
 * {@link AtomicReference} and stops the run; counters are lock-free ({@link BackfillCounters}).
 */
final class BackfillRun {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Backfill");

    private final BackfillSettings settings;
    private final BackfillCounters counters;
    private final BackfillCounts baseline;
    final BackfillReports reports;
    private final BackfillSegmentCopier copier;
    private final BackfillRowMapper mapper;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    private final AtomicInteger segmentsDone = new AtomicInteger();
    private final Object monitor = new Object();
    /** Segments finished or given up by this process's workers; guarded by {@code monitor}. */
    private long generation;

    private final long startNanos = System.nanoTime();
    private volatile boolean stopping;
    private volatile boolean allDone;
    private int segmentsTotal;
    private int doneAtStart;
    private long rowsBefore;
    private long estimatedRows = -1;

    BackfillRun(BackfillSettings settings, BackfillCounters counters) {
        this.settings = settings;
        this.counters = counters;
        this.baseline = counters.snapshot();
        this.reports = new BackfillReports(settings.name(), settings.listener());
        this.mapper = new BackfillRowMapper(settings, counters, reports);
        this.copier = new BackfillSegmentCopier(
                settings, this, mapper, new BackfillPacer(settings.rateLimiter()), counters, reports);
    }

    /**
     * Prepares the checkpoints and reads where the backfill stands; returns the segments left.
     *
     * @throws IllegalStateException when the checkpoints were written under another layout of the
     *     source (or another segment count): before anything is copied
     */
    int open() throws Exception {
        segmentsTotal = settings.source().segments();
        CheckpointStore checkpoints = settings.checkpoints();
        checkpoints.prepare(
                segmentsTotal, SegmentLayouts.check(settings.source().layout()));
        List<Checkpoint> all = checkpoints.checkpoints();
        doneAtStart = (int) all.stream().filter(Checkpoint::done).count();
        rowsBefore = all.stream().mapToLong(Checkpoint::rows).sum();
        segmentsDone.set(doneAtStart);
        allDone = doneAtStart == segmentsTotal;
        estimatedRows = settings.estimatedRows() >= 0 ? settings.estimatedRows() : askSource();
        return segmentsTotal - doneAtStart;
    }

    private long askSource() {
        if (settings.source() instanceof BackfillRowEstimate estimate) {
            try {
                OptionalLong rows = estimate.estimatedRows();
                return rows.isPresent() ? Math.max(0, rows.getAsLong()) : -1;
            } catch (Exception e) {
                LOG.debug(
                        "{} could not estimate its rows; the ETA goes by segments",
                        settings.source().describe(),
                        e);
            }
        }
        return -1;
    }

    /** A worker's loop; returns when every segment is done, the run stops, or it failed. */
    void work() {
        try {
            while (!stopping) {
                long seen = generation();
                Optional<CheckpointClaim> claim = claimNext();
                if (claim.isPresent()) {
                    try {
                        copier.copy(claim.get());
                    } finally {
                        held.remove(claim.get().segment());
                        // idle workers waiting for this segment look again: it may be done, or claimable
                        wake();
                    }
                } else if (checkAllDone()) {
                    return;
                } else {
                    pause(seen, settings.pollInterval());
                }
            }
        } catch (InterruptedException e) {
            stop();
        } catch (Exception | Error e) {
            if (failure.compareAndSet(null, e)) {
                LOG.debug("backfill '{}' failed; stopping its other workers", settings.name(), e);
            }
            stop();
        }
    }

    private Optional<CheckpointClaim> claimNext() throws Exception {
        CheckpointStore checkpoints = settings.checkpoints();
        List<Integer> candidates = new ArrayList<>(checkpoints.claimable(settings.owner(), settings.workers() + 16));
        // processes sharing the segments try them in different orders, so they seldom race for one
        Collections.shuffle(candidates, ThreadLocalRandom.current());
        for (int segment : candidates) {
            if (stopping) {
                break;
            }
            if (!held.add(segment)) {
                continue;
            }
            Optional<CheckpointClaim> claim = checkpoints.claim(segment, settings.owner(), settings.lease());
            if (claim.isPresent()) {
                LOG.debug(
                        "backfill '{}' claimed segment {} from token {}",
                        settings.name(),
                        segment,
                        claim.get().token());
                return claim;
            }
            held.remove(segment);
        }
        return Optional.empty();
    }

    private boolean checkAllDone() throws Exception {
        List<Checkpoint> all = settings.checkpoints().checkpoints();
        int done = (int) all.stream().filter(Checkpoint::done).count();
        // never backwards: a worker may have counted a segment it marked done after this read
        segmentsDone.accumulateAndGet(done, Math::max);
        if (done == segmentsTotal) {
            allDone = true;
        }
        return allDone;
    }

    /** Waits up to {@code interval}, unless a worker finished a segment since {@code seen} or the run stops. */
    private void pause(long seen, Duration interval) throws InterruptedException {
        synchronized (monitor) {
            if (!stopping && generation == seen) {
                monitor.wait(Math.max(1, interval.toMillis()));
            }
        }
    }

    private long generation() {
        synchronized (monitor) {
            return generation;
        }
    }

    void segmentDone() {
        segmentsDone.updateAndGet(n -> Math.min(segmentsTotal, n + 1));
    }

    boolean stopping() {
        return stopping;
    }

    /** Asks the workers to stop after their current page; returns at once. */
    void stop() {
        stopping = true;
        wake();
    }

    private void wake() {
        synchronized (monitor) {
            generation++;
            monitor.notifyAll();
        }
    }

    @Nullable
    Throwable failure() {
        return failure.get();
    }

    BackfillProgress progress() {
        BackfillCounts counts = counters.snapshot().minus(baseline);
        long elapsedNanos = System.nanoTime() - startNanos;
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? counts.read() / seconds : 0;
        int done = allDone ? segmentsTotal : segmentsDone.get();
        Duration eta = null;
        if (done == segmentsTotal) {
            eta = Duration.ZERO;
        } else if (estimatedRows >= 0 && rate > 0) {
            long left = Math.max(0, estimatedRows - rowsBefore - counts.read());
            eta = Duration.ofMillis(Math.round(left / rate * 1000));
        } else if (done > doneAtStart) {
            eta = Duration.ofNanos(Math.round((double) elapsedNanos * (segmentsTotal - done) / (done - doneAtStart)));
        }
        return new BackfillProgress(counts, done, segmentsTotal, Duration.ofNanos(elapsedNanos), rate, eta);
    }

    BackfillResult result(BackfillResult.Status status) {
        BackfillProgress p = progress();
        return new BackfillResult(
                status,
                p.counts(),
                p.segmentsDone(),
                segmentsTotal,
                reports.rejections(),
                reports.collisions(),
                reports.truncated(),
                mapper.trackingSaturated(),
                p.elapsed());
    }

    boolean allDone() {
        return allDone;
    }

    int doneAtStart() {
        return doneAtStart;
    }

    long rowsBefore() {
        return rowsBefore;
    }
}
