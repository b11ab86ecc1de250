package dev.cutover.replication.spi;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.Change;
import dev.cutover.replication.HybridLogicalClock;
import dev.cutover.replication.SourceRejection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A store read as a fixed number of segments, each read page by page from a resume token: what
 * the backfill copies (so segments can be shared between processes and resumed after a crash) and
 * what reconciliation compares.
 *
 * <p><b>Contract for implementations.</b> The segments partition the store's keys: every key is in
 * exactly one segment, whatever the page size. Reading a segment from the start until {@link
 * Page#next()} is null returns every entity that existed for the whole read; an entity written or
 * deleted during the read may or may not be returned, with the version it had when read. Rows
 * carry the version read with them: for a store without versions, stamp one at read time (see
 * {@link HybridLogicalClock}). Tombstones are returned as deletes by stores that keep them. A
 * token is an opaque string that a later call, in this process or another, accepts. Thread-safe.
 *
 * <p><b>Rejected rows.</b> A row that cannot become a change (a version NULL or below 1, a key or
 * payload that cannot be read, a line that is not JSON) is returned in {@link Page#rejected()} of
 * the page it was read in, never dropped: the backfill counts and lists it, and a reconciliation
 * reports it and is not clean while it remains. A page's rows and rejected rows together are at
 * most the limit asked for, so a source of nothing but bad rows still reads in bounded pages.
 *
 * <p><b>Layout.</b> {@link #layout()} names how keys are assigned to segments. A {@link
 * CheckpointStore} records it when a backfill first prepares its checkpoints, and a backfill
 * resumed with a source of another layout is refused before it copies anything: a segment done
 * under one layout may cover other keys under another, and those would never be copied. A source
 * whose segments depend on more than their count (key boundaries computed from the data, byte
 * ranges of a file) must override it, and a source that wraps another (to count or fail reads)
 * must return the wrapped source's layout.
 *
 * @since 0.1.0
 */
public interface SegmentedSource {
    /** Longest {@link #layout()} accepted by a {@link Backfill} and its checkpoint stores, in {@code char}s. */
    int MAX_LAYOUT_LENGTH = 200;

    /** How many segments; at least 1, the same for every call. */
    int segments();

    /**
     * An identifier of how keys are split into segments: two sources with equal layouts assign every
     * key to the same segment, so checkpoints written while reading one are valid for the other. It
     * includes whatever decides the split: the scheme, the segment count, and boundaries or ranges
     * taken from the data (as a digest where they are long). Non-blank, at most {@value
     * #MAX_LAYOUT_LENGTH} characters, the same for every call, without credentials.
     *
     * <p>The default, {@code "<segments> segments"}, is right only for a source whose split depends
     * on nothing but the segment count (a hash of the key modulo the count, a parallel scan); a
     * source whose segments are ranges computed from the data must override it, or a backfill
     * restarted with recomputed ranges may skip rows.
     *
     * <pre>{@code
     * JdbcSource source = JdbcSource.builder(pool).table("orders").keyColumn("id").versionColumn("rev").build();
     * source.layout();  // "jdbc key ranges, 8 segments, boundaries sha-256 3f9a0c1d2e4b5a69"
     * }</pre>
     */
    default String layout() {
        return segments() + " segments";
    }

    /**
     * Reads up to {@code limit} rows of {@code segment} after {@code token} (null: from the start).
     *
     * @throws IllegalArgumentException for a segment out of range, a limit below 1, or a token this
     *     source did not issue, naming the bad value
     */
    Page readPage(int segment, @Nullable String token, int limit) throws Exception;

    /** A short description for logs and reports, without credentials. */
    String describe();

    /**
     * One page of a segment.
     *
     * @param rows the rows read
     * @param rejected the rows read that could not become changes, in the order read; with {@code
     *     rows}, at most the limit asked for
     * @param next where to continue, or null when the segment has been read to its end
     */
    record Page(
            List<Change> rows,
            List<SourceRejection> rejected,
            @Nullable String next) {
        public Page {
            rows = List.copyOf(Objects.requireNonNull(rows, "rows"));
            rejected = List.copyOf(Objects.requireNonNull(rejected, "rejected"));
        }

        /** A page without rejected rows. */
        public Page(List<Change> rows, @Nullable String next) {
            this(rows, List.of(), next);
        }

        /** How many rows the page read: its rows and its rejected rows. */
        public int read() {
            return rows.size() + rejected.size();
        }
    }
}
