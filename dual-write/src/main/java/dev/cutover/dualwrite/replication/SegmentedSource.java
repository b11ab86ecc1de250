package dev.cutover.dualwrite.replication;

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
 * @since 0.1.0
 */
public interface SegmentedSource {

  /** How many segments; at least 1, the same for every call. */
  int segments();

  /**
   * Reads up to {@code limit} rows of {@code segment} after {@code token} (null: from the start).
   *
   * @throws IllegalArgumentException for a segment out of range, a limit below 1, or a token this
   *     source did not issue, naming the bad value
   */
  Page read(int segment, @Nullable String token, int limit) throws Exception;

  /** A short description for logs and reports, without credentials. */
  String describe();

  /**
   * One page of a segment.
   *
   * @param rows the rows read, at most the limit asked for
   * @param next where to continue, or null when the segment has been read to its end
   */
  record Page(List<Change> rows, @Nullable String next) {
    public Page {
      rows = List.copyOf(Objects.requireNonNull(rows, "rows"));
    }
  }
}
