package dev.cutover.replication.internal.backfill;

import dev.cutover.replication.BackfillCollision;
import dev.cutover.replication.BackfillListener;
import dev.cutover.replication.BackfillProgress;
import dev.cutover.replication.BackfillRejection;
import dev.cutover.replication.BackfillResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's reporting: the listener (guarded, so it cannot break the backfill), the log (the first
 * {@value #WARN_EACH} rejections and collisions at WARN each, the rest at DEBUG; progress at INFO at
 * most every {@value #PROGRESS_LOG_SECONDS} s) and the bounded lists of the result. Called by the
 * workers concurrently: the lists are guarded by this object's lock, held only to add.
 */
final class BackfillReports {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Backfill");
    private static final int WARN_EACH = 100;
    private static final long PROGRESS_LOG_SECONDS = 30;

    private final String name;
    private final BackfillListener listener;
    private final List<BackfillRejection> rejections = new ArrayList<>();
    private final List<BackfillCollision> collisions = new ArrayList<>();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong collided = new AtomicLong();
    private final AtomicLong lastProgressLog = new AtomicLong(System.nanoTime());
    private volatile boolean truncated;

    BackfillReports(String name, BackfillListener listener) {
        this.name = name;
        this.listener = listener;
    }

    void rejected(BackfillRejection r) {
        long n = rejected.incrementAndGet();
        if (n <= WARN_EACH) {
            LOG.warn(
                    "backfill '{}' rejected {} of segment {} ({}): {}{}",
                    name,
                    row(r),
                    r.segment(),
                    r.step(),
                    r.reason(),
                    n == WARN_EACH ? " (further rejections are logged at DEBUG)" : "");
        } else {
            LOG.debug(
                    "backfill '{}' rejected {} of segment {} ({}): {}",
                    name,
                    row(r),
                    r.segment(),
                    r.step(),
                    r.reason());
        }
        synchronized (this) {
            add(rejections, r);
        }
        tell("onRejected", l -> l.onRejected(r));
    }

    private static String row(BackfillRejection r) {
        return r.key() == null ? "a row without a readable key" : "key '" + r.key() + "' v" + r.version();
    }

    void collision(BackfillCollision c) {
        long n = collided.incrementAndGet();
        if (n <= WARN_EACH) {
            LOG.warn(
                    "backfill '{}': old keys '{}' and '{}' both map to '{}'; only the first was applied{}",
                    name,
                    c.firstKey(),
                    c.collidingKey(),
                    c.newKey(),
                    n == WARN_EACH ? " (further collisions are logged at DEBUG)" : "");
        } else {
            LOG.debug(
                    "backfill '{}': old keys '{}' and '{}' both map to '{}'",
                    name,
                    c.firstKey(),
                    c.collidingKey(),
                    c.newKey());
        }
        synchronized (this) {
            add(collisions, c);
        }
        tell("onCollision", l -> l.onCollision(c));
    }

    private <T> void add(List<T> list, T item) {
        if (list.size() < BackfillResult.MAX_REPORTED) {
            list.add(item);
        } else {
            truncated = true;
        }
    }

    void progress(BackfillProgress p) {
        long last = lastProgressLog.get();
        long now = System.nanoTime();
        if (now - last >= PROGRESS_LOG_SECONDS * 1_000_000_000L && lastProgressLog.compareAndSet(last, now)) {
            LOG.info(
                    "backfill '{}': {}/{} segments done, {} rows read ({} applied) at {} rows/s, ETA {}",
                    name,
                    p.segmentsDone(),
                    p.segmentsTotal(),
                    p.counts().read(),
                    p.counts().applied(),
                    Math.round(p.rowsPerSecond()),
                    p.eta() == null ? "unknown" : p.eta());
        }
        tell("onProgress", l -> l.onProgress(p));
    }

    void segmentDone(int segment, long rows) {
        LOG.debug("backfill '{}' copied segment {} ({} rows)", name, segment, rows);
        tell("onSegmentDone", l -> l.onSegmentDone(segment, rows));
    }

    void leaseLost(int segment) {
        LOG.warn(
                "backfill '{}' lost its lease on segment {} (another process took it over, or the lease was too"
                        + " short for a page); stopped copying it",
                name,
                segment);
        tell("onLeaseLost", l -> l.onLeaseLost(segment));
    }

    void finished(BackfillResult result) {
        tell("onFinished", l -> l.onFinished(result));
    }

    synchronized List<BackfillRejection> rejections() {
        return List.copyOf(rejections);
    }

    synchronized List<BackfillCollision> collisions() {
        return List.copyOf(collisions);
    }

    boolean truncated() {
        return truncated;
    }

    private void tell(String method, Consumer<BackfillListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn(
                    "backfill '{}': listener {}.{} threw; ignored",
                    name,
                    listener.getClass().getName(),
                    method,
                    e);
        }
    }
}
