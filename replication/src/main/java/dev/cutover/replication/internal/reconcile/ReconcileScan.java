package dev.cutover.replication.internal.reconcile;

import dev.cutover.replication.Change;
import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.SourceRejection;
import dev.cutover.replication.spi.SegmentScan;
import dev.cutover.replication.spi.SegmentedSource;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a whole {@link SegmentedSource}, segment by segment, page by page, one page ahead: the
 * next page is read on a thread of {@code io} while the rows of the current one are handled, so
 * the store's work and the digesting overlap. Rows are handed over in the order they were read.
 * A {@link SegmentScan} that {@linkplain SegmentScan#scans() scans} is read in one pass over the
 * segments asked for instead, one page ahead as well.
 */
final class ReconcileScan {
    private ReconcileScan() {}

    /**
     * Hands every row of {@code source} to {@code rows}, and every row it rejected to {@code
     * rejected}, on the calling thread.
     *
     * @throws ReconciliationException naming the side, the segment and the page, when the source
     *     threw: a reconciliation cannot be trusted with part of a store unread
     */
    static void all(
            SegmentedSource source,
            String side,
            int pageSize,
            Consumer<Change> rows,
            Consumer<SourceRejection> rejected,
            ExecutorService io)
            throws ReconciliationException, InterruptedException {
        segments(source, side, 0, source.segments(), pageSize, rows, rejected, io, () -> {});
    }

    /** What runs after each page, on the reading thread: a split run renews its lease there. */
    interface Beat {
        void page() throws ReconciliationException;
    }

    /**
     * {@link #all} for segments {@code from} (inclusive) to {@code to} (exclusive) of {@code source}
     * only, with {@code beat} run after each page.
     */
    static void segments(
            SegmentedSource source,
            String side,
            int from,
            int to,
            int pageSize,
            Consumer<Change> rows,
            Consumer<SourceRejection> rejected,
            ExecutorService io,
            Beat beat)
            throws ReconciliationException, InterruptedException {
        if (from >= to) {
            return;
        }
        if (source instanceof SegmentScan scan && scan.scans()) {
            scanned(scan, side, from, to, pageSize, rows, rejected, io, beat);
            return;
        }
        int segments = source.segments();
        int segment = from;
        @Nullable String token = null;
        Future<SegmentedSource.Page> ahead = read(io, source, side, segment, segments, null, pageSize);
        try {
            while (ahead != null) {
                SegmentedSource.Page page = take(ahead);
                token = page.next();
                if (token == null) {
                    segment++;
                }
                ahead = segment < to ? read(io, source, side, segment, segments, token, pageSize) : null;
                page.rejected().forEach(rejected);
                page.rows().forEach(rows);
                beat.page();
            }
        } finally {
            if (ahead != null) {
                ahead.cancel(true);
            }
        }
    }

    /** What the reading thread of a pass hands over last: its end, or why it failed. */
    private record End(@Nullable Throwable failure) {}

    /**
     * {@link #segments} of a source that reads them in one pass: the pass runs on a thread of {@code
     * io} and hands its pages over one at a time, so that, as with pages, the next one is read
     * while the rows of the current one are handled.
     */
    private static void scanned(
            SegmentScan source,
            String side,
            int from,
            int to,
            int pageSize,
            Consumer<Change> rows,
            Consumer<SourceRejection> rejected,
            ExecutorService io,
            Beat beat)
            throws ReconciliationException, InterruptedException {
        BlockingQueue<Object> handOver = new ArrayBlockingQueue<>(1);
        Future<?> pass = io.submit(() -> {
            Throwable failure = null;
            try {
                source.scan(from, to, pageSize, handOver::put);
            } catch (InterruptedException e) {
                return null; // the reconciliation stopped taking pages
            } catch (Exception | Error e) {
                failure = e;
            }
            handOver.put(new End(failure));
            return null;
        });
        try {
            while (true) {
                Object next = handOver.take();
                if (next instanceof End end) {
                    if (end.failure() == null) {
                        return;
                    }
                    if (end.failure() instanceof Error e) {
                        throw e;
                    }
                    throw new ReconciliationException(
                            "reading the " + side + " side (" + source.describe() + ") failed in segments " + from
                                    + " to " + (to - 1) + " of " + source.segments() + " (one pass)",
                            end.failure());
                }
                SegmentedSource.Page page = (SegmentedSource.Page) next;
                page.rejected().forEach(rejected);
                page.rows().forEach(rows);
                beat.page();
            }
        } finally {
            pass.cancel(true);
        }
    }

    private static Future<SegmentedSource.Page> read(
            ExecutorService io,
            SegmentedSource source,
            String side,
            int segment,
            int segments,
            @Nullable String token,
            int pageSize) {
        return io.submit(() -> {
            try {
                return source.readPage(segment, token, pageSize);
            } catch (Exception e) {
                throw new ReconciliationException(
                        "reading the " + side + " side (" + source.describe() + ") failed at segment " + segment
                                + " of " + segments + (token == null ? " (first page)" : " after token " + token),
                        e);
            }
        });
    }

    private static SegmentedSource.Page take(Future<SegmentedSource.Page> page)
            throws ReconciliationException, InterruptedException {
        try {
            return page.get();
        } catch (ExecutionException e) {
            throw Parallel.rethrow(e.getCause());
        } catch (CancellationException e) {
            throw new InterruptedException("the read was cancelled");
        }
    }
}
