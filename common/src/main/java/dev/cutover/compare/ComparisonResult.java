package dev.cutover.compare;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of comparing an old and a new result.
 *
 * <pre>{@code
 * ComparisonResult result = comparison.compare(oldOrder, newOrder);
 * if (result.outcome() == ComparisonResult.Outcome.MISMATCH) {
 *   log.warn("order {} differs at {}", id, result.differences()); // paths and hashes only
 * }
 * }</pre>
 *
 * <p>Safe to log: unless {@link Comparison.Builder#revealValues} is on, neither the record's
 * fields nor its {@code toString()} hold a value from either result, only field paths, keyed
 * hashes and type names.
 *
 * @param outcome match, mismatch, or error
 * @param differences the differing fields, empty unless {@link Outcome#MISMATCH}, in the order
 *     described on {@link Comparison#compare}; at most {@link Comparison.Builder#maxDifferences}
 * @param error why the results could not be compared (for example a value Jackson cannot
 *     serialize), null unless {@link Outcome#ERROR}; names the step and the exception's type,
 *     never the data nor the exception's message
 * @param truncated whether there were more differences than {@code differences} lists: the walk
 *     stopped at the limit
 * @since 0.1.0
 */
public record ComparisonResult(
        Outcome outcome,
        List<Difference> differences,
        @Nullable String error,
        boolean truncated) {

    /** Whether the two results are equivalent. */
    public enum Outcome {
        MATCH,
        MISMATCH,
        ERROR
    }

    public ComparisonResult {
        Objects.requireNonNull(outcome, "outcome");
        differences = List.copyOf(differences);
    }

    /** A result that was not truncated. */
    public ComparisonResult(Outcome outcome, List<Difference> differences, @Nullable String error) {
        this(outcome, differences, error, false);
    }

    static ComparisonResult match() {
        return new ComparisonResult(Outcome.MATCH, List.of(), null, false);
    }

    static ComparisonResult mismatch(List<Difference> differences, boolean truncated) {
        return new ComparisonResult(Outcome.MISMATCH, differences, null, truncated);
    }

    static ComparisonResult error(String why) {
        return new ComparisonResult(Outcome.ERROR, List.of(), why, false);
    }

    /** Whether the results are equivalent. */
    public boolean matches() {
        return outcome == Outcome.MATCH;
    }
}
