package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.replication.SegmentedSource;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** A source that counts the rows read from it, for a progress bar. */
final class CountingSource implements SegmentedSource {
  private final SegmentedSource source;
  private final LongAdder rows;

  CountingSource(SegmentedSource source, LongAdder rows) {
    this.source = source;
    this.rows = rows;
  }

  @Override
  public int segments() {
    return source.segments();
  }

  @Override
  public Page read(int segment, @Nullable String token, int limit) throws Exception {
    Page page = source.read(segment, token, limit);
    rows.add(page.rows().size());
    return page;
  }

  @Override
  public String describe() {
    return source.describe();
  }
}
