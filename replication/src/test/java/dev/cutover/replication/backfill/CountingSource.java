package dev.cutover.replication.backfill;

import dev.cutover.replication.spi.SegmentedSource;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A source that counts the rows read from it, over every backfill process of a test; optionally
 * claiming a layout of its own, as the same source rebuilt with other boundaries would.
 */
final class CountingSource implements SegmentedSource {
    private final SegmentedSource delegate;
    private final @Nullable String layout;
    final AtomicLong rowsRead = new AtomicLong();

    CountingSource(SegmentedSource delegate) {
        this(delegate, null);
    }

    /** {@code delegate} read with the layout {@code layout} instead of its own (null: its own). */
    CountingSource(SegmentedSource delegate, @Nullable String layout) {
        this.delegate = delegate;
        this.layout = layout;
    }

    @Override
    public int segments() {
        return delegate.segments();
    }

    @Override
    public String layout() {
        return layout != null ? layout : delegate.layout();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
        Page page = delegate.readPage(segment, token, limit);
        rowsRead.addAndGet(page.rows().size());
        return page;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
