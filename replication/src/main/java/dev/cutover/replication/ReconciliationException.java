package dev.cutover.replication;

/**
 * A reconciliation could not read one of its stores. The message names the side, the segment and
 * the page; the cause is what the store threw. No report is produced from part of a store: run the
 * reconciliation again.
 *
 * <pre>{@code
 * try {
 *   report = reconciler.run();
 * } catch (ReconciliationException e) {
 *   log.warn("reconciliation incomplete, retrying later: {}", e.getMessage());
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ReconciliationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause}. */
    public ReconciliationException(String message, Throwable cause) {
        super(message, cause);
    }
}
