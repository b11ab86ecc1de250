package dev.cutover.replication;

import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A target that forwards to another, for test doubles to override the calls they watch or break.
 * {@link #replaceIfUnchanged} is not forwarded: a double supports it only where it says so.
 */
public abstract class ForwardingTarget implements VersionedTarget {
    private final VersionedTarget delegate;

    protected ForwardingTarget(VersionedTarget delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
        return delegate.apply(changes);
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
    public String layout() {
        return delegate.layout();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) throws Exception {
        return delegate.readPage(segment, token, limit);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
