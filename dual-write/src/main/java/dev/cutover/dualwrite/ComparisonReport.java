package dev.cutover.dualwrite;

import dev.cutover.compare.Difference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the shadow read of one call found. Holds field paths and keyed value hashes, never raw
 * values unless the {@link dev.cutover.compare.Comparison} reveals them, so reports can
 * go to logs and dashboards that must not hold entity data.
 *
 * <pre>{@code
 * .listener(new MigrationListener() {
 *   public void onComparison(ComparisonReport report) {
 *     if (report.outcome() == ComparisonReport.Outcome.MISMATCH) {
 *       mismatches.record(report.method(), report.entityKey(), report.differences());
 *     }
 *   }
 * })
 * }</pre>
 *
 * @param repository the repository interface's simple name
 * @param method the method name
 * @param entityKey the call's entity key, null when it has none
 * @param stage the stage the call was pinned to
 * @param outcome what was found
 * @param differences the differing fields (from the re-check when there was one); empty unless
 *     {@link Outcome#MISMATCH}
 * @param oldLatency how long the old store took, null when it was not called
 * @param newLatency how long the new store took, null when it was not called
 * @param rechecked whether both sides were read again before this report
 * @param error what went wrong, naming types and exception classes, never data; null when nothing
 *     did
 * @since 0.1.0
 */
public record ComparisonReport(
        String repository,
        String method,
        @Nullable String entityKey,
        Stage stage,
        Outcome outcome,
        List<Difference> differences,
        @Nullable Duration oldLatency,
        @Nullable Duration newLatency,
        boolean rechecked,
        @Nullable String error) {

    /** What a shadow read found. */
    public enum Outcome {
        /** Both results are equivalent (possibly only on the re-check: the shadow caught up). */
        MATCH,
        /**
         * The results differ, also on the re-check; or one store threw an exception the method
         * declares (such as "not found") where the other returned a value or threw another.
         */
        MISMATCH,
        /** The authoritative result changed between the read and its re-check: a write in flight. */
        CHANGED,
        /**
         * One store failed where the other did not (threw an exception the method does not declare),
         * or the results could not be compared.
         */
        ERROR,
        /** The shadow read did not answer within the time budget. */
        TIMED_OUT,
        /** The shadow read was dropped: the queue was full or it waited past its budget. */
        SHED,
        /** The shadow store's circuit breaker was open, so it was not read. */
        SKIPPED_CIRCUIT_OPEN
    }

    /** Checks for nulls and copies the differences. */
    public ComparisonReport {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(outcome, "outcome");
        differences = List.copyOf(differences);
    }

    /** Whether this report counts as a mismatch. */
    public boolean isMismatch() {
        return outcome == Outcome.MISMATCH;
    }
}
