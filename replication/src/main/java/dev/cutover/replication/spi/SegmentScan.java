package dev.cutover.replication.spi;

import dev.cutover.replication.Reconciler;

/**
 * Implemented by a {@link SegmentedSource} that can also read consecutive segments in one pass, in
 * whatever order its store finds the rows fastest: a sequential scan of a table rather than one
 * index range per page. A {@link Reconciler} reads such a source this way, since its bucket
 * digests do not depend on the order rows arrive in; a backfill, which resumes from tokens, reads
 * pages.
 *
 * <pre>{@code
 * final class OrdersTable implements SegmentedSource, SegmentScan {
 *   public boolean scans() { return true; }
 *   public void scan(int from, int to, int limit, SegmentScan.Pages pages) throws Exception {
 *     // SELECT ... WHERE <segments from to to>, no ORDER BY, fetched by a cursor
 *   }
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Contract for implementations.</b> A pass returns every row of its segments exactly once,
 * as reading each of them with {@link #readPage} would, rejected rows included; a row written or
 * deleted during the pass may or may not be returned, with the version it had when read, but never
 * twice (read from one snapshot, say). Its pages carry no token ({@link SegmentedSource.Page#next()}
 * is null): a pass cannot be resumed, it is read again from its start. Thread-safe.
 *
 * @since 0.2.0
 */
public interface SegmentScan extends SegmentedSource {

    /**
     * Whether {@link #scan} reads in one pass here (it may depend on the store: the dialect of a
     * database). When false, a reconciliation reads the segments page by page.
     */
    boolean scans();

    /**
     * Hands the rows of segments {@code from} (inclusive) to {@code to} (exclusive) to {@code pages},
     * in pages of at most {@code limit} rows, rows and rejected rows together, on the calling thread.
     *
     * @throws IllegalArgumentException for segments out of range, {@code from > to} or a limit below 1
     * @throws UnsupportedOperationException when {@link #scans()} is false
     * @throws InterruptedException when {@code pages} was interrupted; the pass stops
     */
    void scan(int from, int to, int limit, Pages pages) throws Exception;

    /**
     * Takes the pages of a pass, one after the other.
     *
     * @since 0.2.0
     */
    @FunctionalInterface
    interface Pages {
        /** Takes the next page; may block, and throw when interrupted, to stop the pass. */
        void accept(SegmentedSource.Page page) throws InterruptedException;
    }
}
