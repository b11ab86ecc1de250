package dev.cutover.replication.dynamodb.lambda;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A versioned target that fails part-way: its writes (one per change, counted from 0 over every
 * call) numbered {@code from} to {@code from + length - 1} fail, and with them the call they are
 * in, after the call's other changes were written, as a parallel batch fails. With {@code
 * landsAnyway}, a failing write is written all the same (the answer was lost, not the write).
 * Reads go straight through.
 */
final class FaultyTarget implements VersionedTarget {
    private final VersionedTarget delegate;
    private final int from;
    private final int length;
    private final boolean landsAnyway;
    private final AtomicInteger writes = new AtomicInteger();

    FaultyTarget(VersionedTarget delegate, int from, int length, boolean landsAnyway) {
        this.delegate = delegate;
        this.from = from;
        this.length = length;
        this.landsAnyway = landsAnyway;
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
        List<Change> written = new ArrayList<>(changes.size());
        boolean failed = false;
        for (Change c : changes) {
            int n = writes.getAndIncrement();
            boolean fault = n >= from && n < from + length;
            if (!fault || landsAnyway) {
                written.add(c);
            }
            failed |= fault;
        }
        List<ApplyOutcome> outcomes = written.isEmpty() ? List.of() : delegate.apply(written);
        if (failed) {
            throw new UncheckedIOException(new IOException("injected: a write of this batch timed out"));
        }
        return outcomes;
    }

    @Override
    public Optional<Change> read(String key) throws Exception {
        return delegate.read(key);
    }

    @Override
    public long purgeTombstones(Instant appliedBefore) throws Exception {
        return delegate.purgeTombstones(appliedBefore);
    }

    @Override
    public int segments() {
        return delegate.segments();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
        return delegate.readPage(segment, token, limit);
    }

    @Override
    public String describe() {
        return "faulty " + delegate.describe();
    }
}
