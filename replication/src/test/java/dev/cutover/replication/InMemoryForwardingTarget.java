package dev.cutover.replication;

import dev.cutover.replication.spi.ApplyOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A target for tests that script {@link #apply}: everything else goes to an {@link
 * InMemoryVersionedTarget}, {@link #store}, which a subclass also applies to. Reads, pages and
 * purges never throw.
 */
public abstract class InMemoryForwardingTarget extends ForwardingTarget {
    /** Where the changes land, and what the reads and pages come from. */
    public final InMemoryVersionedTarget store;

    protected InMemoryForwardingTarget() {
        this(new InMemoryVersionedTarget());
    }

    private InMemoryForwardingTarget(InMemoryVersionedTarget store) {
        super(store);
        this.store = store;
    }

    @Override
    public abstract List<ApplyOutcome> apply(List<Change> changes) throws Exception;

    @Override
    public Optional<Change> read(String key) {
        return store.read(key);
    }

    @Override
    public long purgeTombstones(Instant appliedBefore) {
        return store.purgeTombstones(appliedBefore);
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) {
        return store.readPage(segment, token, limit);
    }
}
