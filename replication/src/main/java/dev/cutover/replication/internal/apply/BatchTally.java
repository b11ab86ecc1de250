package dev.cutover.replication.internal.apply;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How {@link BatchApply} settled each change of one batch: every change has exactly one outcome
 * or exactly one {@link ApplyFailure}, by its position in the batch. A caller walks the positions
 * and reports each in its own way.
 *
 * <pre>{@code
 * BatchTally tally = batches.apply(changes);
 * for (int i = 0; i < tally.size(); i++) {
 *   ApplyOutcome outcome = tally.outcome(i);
 *   if (outcome != null) count(outcome); else report(tally.failure(i));
 * }
 * }</pre>
 *
 * <p>Filled by the one thread that applied the batch, then only read: not thread-safe to fill,
 * safe to read once handed over.
 */
public final class BatchTally {
    private final List<Change> changes;
    private final @Nullable ApplyOutcome[] outcomes;
    private final @Nullable ApplyFailure[] failures;
    private int failed;
    private boolean landedWhole;
    private boolean failedWhole;
    private long nanos;

    BatchTally(List<Change> changes) {
        this.changes = changes;
        this.outcomes = new ApplyOutcome[changes.size()];
        this.failures = new ApplyFailure[changes.size()];
    }

    /** The batch took one call (retries included) and every change has an outcome. */
    void landedWhole(List<ApplyOutcome> all, long elapsedNanos) {
        for (int i = 0; i < all.size(); i++) {
            settle(i, all.get(i));
        }
        landedWhole = true;
        nanos = elapsedNanos;
    }

    /** The batch failed whole, every change for the same reason, and was not split. */
    void failedWhole(ApplyFailure.Kind kind, Throwable cause) {
        for (int i = 0; i < changes.size(); i++) {
            fail(new ApplyFailure(changes.get(i), i, kind, cause, false));
        }
        failedWhole = true;
    }

    void settle(int index, ApplyOutcome outcome) {
        requireUnsettled(index);
        outcomes[index] = outcome;
    }

    void fail(ApplyFailure failure) {
        requireUnsettled(failure.index());
        failures[failure.index()] = failure;
        failed++;
    }

    private void requireUnsettled(int index) {
        if (outcomes[index] != null || failures[index] != null) {
            throw new IllegalStateException("change " + index + " of the batch was settled twice");
        }
    }

    /** How many changes the batch held. */
    public int size() {
        return changes.size();
    }

    /** The change at {@code index}, as given. */
    public Change change(int index) {
        return changes.get(index);
    }

    /** The outcome of the change at {@code index}, or null when it failed. */
    public @Nullable ApplyOutcome outcome(int index) {
        return outcomes[index];
    }

    /** Why the change at {@code index} failed, or null when it has an outcome. */
    public @Nullable ApplyFailure failure(int index) {
        return failures[index];
    }

    /** The failures, in the order of the batch. */
    public List<ApplyFailure> failures() {
        List<ApplyFailure> all = new ArrayList<>(failed);
        for (ApplyFailure f : failures) {
            if (f != null) {
                all.add(f);
            }
        }
        return all;
    }

    /** How many changes failed. */
    public int failed() {
        return failed;
    }

    /** How many changes ended with {@code outcome}. */
    public long count(ApplyOutcome outcome) {
        return Arrays.stream(outcomes).filter(o -> o == outcome).count();
    }

    /**
     * The outcomes of every change, in the order of the batch.
     *
     * @throws IllegalStateException when a change failed
     */
    public List<ApplyOutcome> outcomes() {
        if (failed > 0) {
            throw new IllegalStateException(failed + " of " + size() + " changes failed: no outcome for them");
        }
        List<ApplyOutcome> all = new ArrayList<>(outcomes.length);
        for (ApplyOutcome o : outcomes) {
            all.add(o);
        }
        return all;
    }

    /** Whether the batch landed in one call (retries included); an empty batch did. */
    public boolean landedWhole() {
        return landedWhole;
    }

    /** From the first attempt until the batch landed whole, in nanoseconds; 0 unless {@link #landedWhole()}. */
    public long nanos() {
        return nanos;
    }

    /** Whether every change failed together with its batch, for one cause, without a split. */
    public boolean failedWhole() {
        return failedWhole;
    }

    /**
     * Throws what the first failed change failed with, as it was thrown; returns when nothing
     * failed. An {@link InterruptedException} is thrown with the thread's interrupt status cleared,
     * as by any method that throws it ({@link BatchApply} set the status again when it caught it).
     */
    public void rethrow() throws Exception {
        for (ApplyFailure f : failures) {
            if (f == null) {
                continue;
            }
            Throwable cause = f.cause();
            if (cause == null || cause instanceof InterruptedException) {
                Thread.interrupted();
            }
            if (cause == null) {
                throw new InterruptedException("interrupted before " + f.change() + " was applied");
            }
            if (cause instanceof Error e) {
                throw e;
            }
            throw (Exception) cause;
        }
    }

    /** Throws the first {@link Error} a change failed with; returns when none did. */
    public void rethrowError() {
        for (ApplyFailure f : failures) {
            if (f != null && f.cause() instanceof Error e) {
                throw e;
            }
        }
    }
}
