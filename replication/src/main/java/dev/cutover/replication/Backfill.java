package dev.cutover.replication;

import dev.cutover.replication.internal.backfill.BackfillCounters;
import dev.cutover.replication.internal.backfill.BackfillRunner;
import dev.cutover.replication.internal.backfill.BackfillSettings;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Copies the history of the old store into the new one while live writes and deletes continue:
 * reads the source segment by segment, maps each row through a transform and a key normalizer,
 * and applies it through the {@link VersionedTarget}'s versioned apply <em>with the version it had
 * when read</em>. Since the live path writes newer versions, a backfilled row never overwrites a
 * live write and never resurrects a deleted entity; copying a row again changes nothing.
 *
 * <pre>{@code
 * Backfill backfill = Backfill.from(oldOrders)                 // any SegmentedSource
 *     .to(newOrders)                                           // any VersionedTarget
 *     .name("orders-v2")
 *     .transform(row -> TransformResult.accept(OrderV2.from(row)))
 *     .normalizeKeys(keyNormalizer::normalize)                 // collisions are reported, not merged
 *     .batchSize(500)
 *     .workers(4)
 *     .rateLimit(2_000)                                        // rows per second, this process
 *     .checkpoints(JdbcCheckpointStore.builder(dataSource, "orders_v2").build())
 *     .owner(System.getenv("POD_NAME"))
 *     .build();
 * BackfillResult result = backfill.run();                      // blocks until every segment is done
 * }</pre>
 *
 * <p><b>Resuming and sharing.</b> After each applied page the segment's resume token is saved in
 * the {@link CheckpointStore}, under a lease; a killed backfill, run again with the same
 * checkpoints, reads again at most two pages per worker: the page it was applying and the one
 * it had read ahead (each worker reads its next page while the current one is applied). Several processes with the same
 * checkpoint store and distinct owners share the segments: each claims segments through a
 * conditional write, and takes over a segment whose owner's lease expired. A process that lost
 * its lease stops copying that segment (its checkpoint save is refused). A process restarted with
 * the same owner takes its segments back at once; give every live process its own owner.
 *
 * <p><b>Same segments on every run.</b> The checkpoints hold, per segment number, whether it is
 * done and where it got to; that means something only while the source splits its keys the same
 * way. So {@link #run()} first records the source's {@link SegmentedSource#layout()} with the
 * checkpoints (the first run) or compares it with the recorded one (every later run, in any
 * process), and fails before it copies anything, with a {@link BackfillException} naming both
 * layouts, when they differ. A {@link JdbcSource} whose boundaries were computed again after live
 * writes moved the data is such a source: build every process's source with the boundaries the
 * backfill started with ({@link JdbcSource.Builder#boundaries}), or start over with new
 * checkpoints (another backfill name).
 *
 * <p><b>Threads.</b> {@link #run()} copies on {@link BackfillBuilder#workers} threads that it creates and
 * shuts down before it returns; it returns when every segment is done (waiting for segments held
 * by other processes, to take them over if their owner dies), or after {@link #stop()}. One run at
 * a time per instance; run it again to resume after a stop or a failure.
 *
 * @since 0.1.0
 */
public final class Backfill implements AutoCloseable {
    private final BackfillSettings settings;
    private final BackfillCounters counters = new BackfillCounters();
    private final AtomicReference<@Nullable BackfillRunner> current = new AtomicReference<>();
    private volatile @Nullable BackfillRunner last;

    Backfill(BackfillSettings settings) {
        this.settings = settings;
    }

    /** Starts configuring a backfill that reads {@code source}. */
    public static From from(SegmentedSource source) {
        return new From(Objects.requireNonNull(source, "source"));
    }

    /**
     * Copies every segment not yet done, and returns when all are done (by this process or others)
     * or after {@link #stop()}.
     *
     * @return {@link BackfillResult.Status#COMPLETED} or {@link BackfillResult.Status#STOPPED}, with
     *     this run's counts, rejections and collisions
     * @throws BackfillException when a source, target or checkpoint call failed; the checkpoints
     *     are kept, so running again resumes. Also, before anything is copied, when the checkpoints
     *     were written under another layout of the source (see the class comment) or another
     *     segment count: then running again fails the same way
     * @throws InterruptedException when the calling thread was interrupted; the workers were
     *     stopped first
     * @throws IllegalStateException when this backfill is already running
     */
    public BackfillResult run() throws BackfillException, InterruptedException {
        BackfillRunner runner = new BackfillRunner(settings, counters);
        if (!current.compareAndSet(null, runner)) {
            throw new IllegalStateException("backfill '" + settings.name() + "' is already running");
        }
        last = runner;
        try {
            return runner.run();
        } finally {
            current.set(null);
            runner.ended();
        }
    }

    /**
     * Asks a running backfill to stop: each worker finishes its page, saves its checkpoint and
     * releases its segment, and {@link #run()} returns {@link BackfillResult.Status#STOPPED}.
     * Returns at once; does nothing when not running.
     */
    public void stop() {
        BackfillRunner runner = current.get();
        if (runner != null) {
            runner.stop();
        }
    }

    /**
     * Stops a running backfill and waits (up to the lease) until its workers are gone and {@link
     * #run()} is returning.
     */
    @Override
    public void close() {
        BackfillRunner runner = current.get();
        if (runner == null) {
            return;
        }
        runner.stop();
        try {
            runner.awaitEnd(settings.lease());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How far the current (or last) run got; all zero before the first run. */
    public BackfillProgress progress() {
        BackfillRunner runner = last;
        return runner != null
                ? runner.progress()
                : new BackfillProgress(BackfillCounts.ZERO, 0, 0, Duration.ZERO, 0, null);
    }

    /** What this instance did over all its runs: counters that only increase, for metrics. */
    public BackfillCounts totals() {
        return counters.snapshot();
    }

    /** Whether a run is in progress. */
    public boolean running() {
        return current.get() != null;
    }

    /** The backfill's name, for logs and metrics. */
    public String name() {
        return settings.name();
    }

    /** Who this process is to the checkpoint store. */
    public String owner() {
        return settings.owner();
    }

    /**
     * The first step of configuring a backfill: where it copies to.
     *
     * @since 0.1.0
     */
    public static final class From {
        private final SegmentedSource source;

        private From(SegmentedSource source) {
            this.source = source;
        }

        /** Copies into {@code target}, through its versioned apply. */
        public BackfillBuilder to(VersionedTarget target) {
            return new BackfillBuilder(source, Objects.requireNonNull(target, "target"));
        }
    }
}
