package dev.cutover.dualwrite;

import dev.cutover.journal.FailedWrite;

/**
 * Told about comparisons and failed shadow writes, for alerting or a migration dashboard. Both
 * methods do nothing by default.
 *
 * <pre>{@code
 * DualWrite.of(OrderRepository.class)
 *     ...
 *     .listener(new MigrationListener() {
 *       public void onComparison(ComparisonReport report) { dashboard.add(report); }
 *       public void onShadowWriteFailed(FailedWrite write) { pager.maybeAlert(write); }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Called on shadow threads, never on the caller's, possibly from several threads at once.
 * Return quickly: a slow listener delays the shadow work queued behind it. An exception it throws
 * is logged and counted, and changes nothing else.
 *
 * @since 0.1.0
 */
public interface MigrationListener {

    /** A shadow read was compared, or could not be (timed out, shed, circuit open, error). */
    default void onComparison(ComparisonReport report) {}

    /** A shadow write did not succeed; called after it was appended to the journal. */
    default void onShadowWriteFailed(FailedWrite write) {}

    /** A listener that ignores everything. */
    static MigrationListener none() {
        return new MigrationListener() {};
    }
}
