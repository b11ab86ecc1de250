package dev.cutover.replication.backfill;

import dev.cutover.replication.Change;
import dev.cutover.replication.ForwardingTarget;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The target as one simulated process sees it: counts what the real target did (APPLIED outcomes,
 * also of batches the process died in), runs an optional hook before each apply (a live write
 * slipped in between), and dies with its {@link CrashSwitch}, after applying a prefix of the batch
 * when the kill comes after the effect.
 */
final class FaultyTarget extends ForwardingTarget {
    /** Runs before each apply of the backfill. */
    interface Hook {
        void beforeApply(List<Change> batch) throws Exception;
    }

    private final CrashSwitch crash;
    private final AtomicLong applied;
    private final @Nullable Hook hook;

    FaultyTarget(VersionedTarget delegate, CrashSwitch crash, AtomicLong applied, @Nullable Hook hook) {
        super(delegate);
        this.crash = crash;
        this.applied = applied;
        this.hook = hook;
    }

    @Override
    public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
        if (hook != null) {
            hook.beforeApply(changes);
        }
        boolean after = crash.beforeEffect();
        // after the effect: a prefix of the batch landed (a batch is not a transaction)
        List<Change> landing = after ? changes.subList(0, changes.size() / 2 + 1) : changes;
        List<ApplyOutcome> outcomes = super.apply(landing);
        applied.addAndGet(
                outcomes.stream().filter(o -> o == ApplyOutcome.APPLIED).count());
        if (after) {
            throw crash.crash();
        }
        return outcomes;
    }

    @Override
    public String describe() {
        return "faulty " + super.describe();
    }
}
