package dev.cutover.replication.postgres;

import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** An in-memory target that records every change handed to it, in order, with the run it came in. */
final class RecordingTarget implements VersionedTarget {
    record Delivery(int run, Change change, ApplyOutcome outcome) {}

    private final InMemoryVersionedTarget target = new InMemoryVersionedTarget();
    private final List<Delivery> deliveries = new ArrayList<>();
    private volatile int run = 1;
    private volatile @Nullable Runnable afterApply;

    void run(int run) {
        this.run = run;
    }

    /** Called after every apply (fault injection: freeze the checkpoints at some point). */
    void afterApply(@Nullable Runnable hook) {
        this.afterApply = hook;
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    synchronized int size() {
        return deliveries.size();
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) {
        List<ApplyOutcome> outcomes = target.apply(changes);
        synchronized (this) {
            for (int i = 0; i < changes.size(); i++) {
                deliveries.add(new Delivery(run, changes.get(i), outcomes.get(i)));
            }
        }
        Runnable hook = afterApply;
        if (hook != null) {
            hook.run();
        }
        return outcomes;
    }

    @Override
    public Optional<Change> read(String key) {
        return target.read(key);
    }

    @Override
    public int segments() {
        return target.segments();
    }

    @Override
    public String layout() {
        return target.layout();
    }

    @Override
    public Page readPage(int segment, @Nullable String token, int limit) {
        return target.readPage(segment, token, limit);
    }

    @Override
    public long purgeTombstones(java.time.Instant appliedBefore) {
        return target.purgeTombstones(appliedBefore);
    }

    @Override
    public String describe() {
        return "recording " + target.describe();
    }
}
