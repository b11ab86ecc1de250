package dev.cutover.dualwrite.replication.internal;

import dev.cutover.dualwrite.replication.Change;
import dev.cutover.dualwrite.replication.ReconciliationException;
import dev.cutover.dualwrite.replication.SegmentedSource;
import java.util.function.Consumer;

/** Reads a whole {@link SegmentedSource}, segment by segment, page by page. */
final class ReconcileScan {
  private ReconcileScan() {}

  /**
   * Hands every row of {@code source} to {@code rows}.
   *
   * @throws ReconciliationException naming the side, the segment and the page, when the source
   *     threw: a reconciliation cannot be trusted with part of a store unread
   */
  static void all(SegmentedSource source, String side, int pageSize, Consumer<Change> rows)
      throws ReconciliationException {
    int segments = source.segments();
    for (int segment = 0; segment < segments; segment++) {
      String token = null;
      do {
        SegmentedSource.Page page;
        try {
          page = source.read(segment, token, pageSize);
        } catch (Exception e) {
          throw new ReconciliationException("reading the " + side + " side (" + source.describe() + ") failed at segment "
              + segment + " of " + segments + (token == null ? " (first page)" : " after token " + token), e);
        }
        page.rows().forEach(rows);
        token = page.next();
      } while (token != null);
    }
  }
}
