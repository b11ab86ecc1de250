package dev.cutover.dualwrite.replication.backfill;

import dev.cutover.dualwrite.replication.SegmentedSource;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** A source that counts the rows read from it, over every backfill process of a test. */
final class CountingSource implements SegmentedSource {
  private final SegmentedSource delegate;
  final AtomicLong rowsRead = new AtomicLong();

  CountingSource(SegmentedSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public int segments() {
    return delegate.segments();
  }

  @Override
  public String layout() {
    return delegate.layout();
  }

  @Override
  public Page read(int segment, @Nullable String token, int limit) throws Exception {
    Page page = delegate.read(segment, token, limit);
    rowsRead.addAndGet(page.rows().size());
    return page;
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
