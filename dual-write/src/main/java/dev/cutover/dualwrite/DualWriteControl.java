package dev.cutover.dualwrite;

import dev.cutover.journal.FailedWrite;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle and state of one dual-write proxy, kept apart from the proxy so that the proxy's
 * own methods stay exactly the repository's.
 *
 * <pre>{@code
 * OrderRepository orders = DualWrite.of(OrderRepository.class)...build();
 * DualWriteControl control = DualWrite.control(orders);
 * ...
 * control.close(Duration.ofSeconds(5));   // on shutdown: drain, then cancel, then stop threads
 * }</pre>
 *
 * <p><b>After close</b> the proxy keeps serving every call from the authoritative store, with no
 * shadow work: a production service often still takes requests while it shuts down, and failing
 * them would turn a clean shutdown into errors. A write that would have been shadowed is journaled
 * as {@link FailedWrite.Reason#CANCELLED} on the caller's thread (there are no shadow threads any
 * more), so a repair still finds its key; if the journal fails then, a gap is recorded for it on
 * that thread, and only if that fails too is the key left to an ERROR log line naming it. The first
 * such call logs one WARN.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public interface DualWriteControl extends AutoCloseable {

    /** The bound {@link #close()} uses. */
    Duration DEFAULT_CLOSE_BOUND = Duration.ofSeconds(5);

    /**
     * Stops shadow work within {@code bound}: new shadow work is refused at once; queued and running
     * work is given most of the bound to finish; what is left is cancelled (running store calls are
     * interrupted; writes are journaled {@link FailedWrite.Reason#CANCELLED}); then every thread the
     * proxy started is stopped. A user's executor is not shut down. Idempotent: a second call waits
     * for the first to end, within its own bound.
     *
     * @return true when everything finished without cancelling and every thread stopped in time;
     *     false when work was cancelled or a store call that ignores interrupts still holds a thread
     *     (a daemon thread, ended when the store returns)
     */
    boolean close(Duration bound);

    /** {@link #close(Duration)} within {@link #DEFAULT_CLOSE_BOUND}. */
    @Override
    default void close() {
        close(DEFAULT_CLOSE_BOUND);
    }

    /** Whether {@link #close(Duration)} was called. */
    boolean isClosed();

    /**
     * Waits until no shadow work is queued, running or scheduled (re-checks included), for example
     * before flipping the stage flag, or in tests. Does not stop new work from arriving.
     *
     * @return true when idle, false when {@code bound} passed first
     */
    boolean awaitIdle(Duration bound) throws InterruptedException;

    /** Shadow tasks queued, running or scheduled right now. */
    int pendingShadowWork();

    /**
     * The stage a call with this entity key would be pinned to now (null: a call without a key).
     */
    Stage stage(@Nullable String entityKey);

    /**
     * The circuit breaker guarding calls to {@code side} when it is the shadow side. Operators may
     * force it open ({@code transitionToForcedOpenState()}) to stop all shadow work on that store at
     * once; shadow writes are then journaled {@link FailedWrite.Reason#CIRCUIT_OPEN}.
     */
    CircuitBreaker circuitBreaker(Side side);

    /** What the proxy counted since it was built. */
    Counts counts();

    /** Where the keys of missed shadow writes stand on their way to the journal. */
    JournalStatus journalStatus();

    /**
     * The state of the proxy's journaling.
     *
     * @param waiting distinct keys waiting in memory for the journal (0 once it caught up)
     * @param journaled entries appended since the proxy was built (one per key and drain, not per
     *     write: writes of one key that wait together are journaled once)
     * @param journalErrors journal calls that failed and were retried; no key is lost by them
     * @param pastBound writes whose key did not fit within {@code pendingKeysBound}; each is
     *     covered by an {@link dev.cutover.journal.Gap.Kind#OVERFLOW} gap
     * @param gapOpened whether this proxy recorded a gap (overflow or a key the journal refused):
     *     no stage may move past SHADOW until a full reconciliation and repair close it
     * @param lastError the last journal failure, or null when the last call succeeded
     * @since 0.1.0
     */
    record JournalStatus(
            int waiting,
            long journaled,
            long journalErrors,
            long pastBound,
            boolean gapOpened,
            @Nullable String lastError) {}

    /**
     * Counts since the proxy was built; counted whether or not metrics are bound.
     *
     * @param shadowWritesSucceeded shadow writes that returned normally
     * @param shadowWritesMissed shadow writes that did not succeed, by the reason they were journaled
     * @param comparisons shadow reads by report outcome
     * @param journalErrors journal calls that failed and were retried (the keys wait in memory)
     * @param listenerErrors listener calls that threw
     * @param unknownStages calls whose stage flag named no stage
     * @since 0.1.0
     */
    record Counts(
            long shadowWritesSucceeded,
            Map<FailedWrite.Reason, Long> shadowWritesMissed,
            Map<ComparisonReport.Outcome, Long> comparisons,
            long journalErrors,
            long listenerErrors,
            long unknownStages) {

        /** Copies the maps, filling absent keys with zero. */
        public Counts {
            shadowWritesMissed = complete(FailedWrite.Reason.class, shadowWritesMissed);
            comparisons = complete(ComparisonReport.Outcome.class, comparisons);
        }

        /** Shadow writes missed for one reason. */
        public long shadowWritesMissed(FailedWrite.Reason reason) {
            return shadowWritesMissed.get(Objects.requireNonNull(reason, "reason"));
        }

        /** Shadow reads with one report outcome. */
        public long comparisons(ComparisonReport.Outcome outcome) {
            return comparisons.get(Objects.requireNonNull(outcome, "outcome"));
        }

        private static <E extends Enum<E>> Map<E, Long> complete(Class<E> type, Map<E, Long> counts) {
            EnumMap<E, Long> all = new EnumMap<>(type);
            for (E e : type.getEnumConstants()) {
                all.put(e, counts.getOrDefault(e, 0L));
            }
            return java.util.Collections.unmodifiableMap(all);
        }
    }
}
