package dev.cutover.replication.internal.apply;

import dev.cutover.replication.Change;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why one change of a batch was not applied, as {@link BatchApply} settled it. The caller turns
 * it into its own report (a mirror failure, a failed repair key, a failed backfill run).
 *
 * @param change the change not applied
 * @param index its position in the batch given to {@link BatchApply#apply}
 * @param kind what went wrong
 * @param cause what the target (or the outcome check) threw; null only for a change not tried
 *     because the thread was interrupted before its turn
 * @param alone whether the change was applied on its own, after its batch was refused (true), or
 *     failed together with its whole batch (false)
 */
public record ApplyFailure(
        Change change, int index, Kind kind, @Nullable Throwable cause, boolean alone) {

    /** What went wrong with a change. */
    public enum Kind {
        /** The thread was interrupted before or while the change was applied. */
        INTERRUPTED,
        /** Every attempt failed with an error that trying again might have cured. */
        EXHAUSTED,
        /** The target refused it: an error that trying the same change again cannot cure. */
        REFUSED
    }

    public ApplyFailure {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(kind, "kind");
    }
}
