package dev.cutover.examples;

import dev.cutover.replication.spi.SegmentedSource;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** A source that counts the rows read through it: the progress bar of a reconciliation. */
public final class CountingSource implements SegmentedSource {
    private final SegmentedSource source;
    private final LongAdder rows;

    public CountingSource(SegmentedSource source, LongAdder rows) {
        this.source = Objects.requireNonNull(source, "source");
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    @Override
    public int segments() {
        return source.segments();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
        Page page = source.readPage(segment, token, limit);
        rows.add(page.rows().size());
        return page;
    }

    /** The wrapped source's: counting reads changes nothing about which keys are in which segment. */
    @Override
    public String layout() {
        return source.layout();
    }

    @Override
    public String describe() {
        return source.describe();
    }
}
