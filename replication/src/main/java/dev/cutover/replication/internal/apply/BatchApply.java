package dev.cutover.replication.internal.apply;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one path from a batch of changes to {@link VersionedTarget#apply}, shared by the mirror, the
 * backfill and the repair: applies a batch and settles every change in it exactly once, as an
 * outcome or an {@link ApplyFailure}, in a {@link BatchTally}. Each caller keeps its own policy:
 * how often to try, and whether a refused batch is split; what it reports, and where, it decides
 * from the tally.
 *
 * <pre>{@code
 * BatchApply batches = BatchApply.to(target)
 *     .withRetry("cutover-mirror-orders", 5, IntervalFunction.ofExponentialRandomBackoff(...))
 *     .splittingRefused();
 * BatchTally tally = batches.apply(changes);
 * }</pre>
 *
 * <p>Rules, the same for every caller:
 *
 * <ul>
 *   <li><b>One outcome per change, or none accepted.</b> A target that returns null, a list of
 *       another size, or a null outcome broke its contract: that answer is an {@link
 *       IllegalStateException} naming the target, handled as a refusal (not retried as is). No
 *       change is counted from it, so none is counted twice when the batch is applied again.
 *   <li><b>Retries.</b> With {@link #withRetry} the whole batch is tried again, with the given
 *       backoff (Resilience4j {@link Retry}), while the error is {@linkplain #retryable
 *       retryable}; the versioned apply makes trying a partly applied batch again harmless.
 *   <li><b>A bad change fails alone.</b> With {@link #splittingRefused()}, a batch of several
 *       changes that fails with an error no retry can cure is applied again change by change, each
 *       with the same retries, so that the refused change fails alone and the others land. One by
 *       one rather than by halves: after one refusal that costs one call per change, and each
 *       change's failure is its own. Without it, the batch fails whole.
 *   <li><b>Interrupts end the work.</b> An interrupt (an {@link InterruptedException}, or any
 *       error while the thread is interrupted) is never retried: the changes not yet settled fail
 *       as {@link ApplyFailure.Kind#INTERRUPTED} and the thread's interrupt status is set again.
 *   <li><b>Never throws</b>, except virtual-machine errors other than {@link StackOverflowError}:
 *       whatever else the target throws, {@link Error}s included, is held in the tally, for the
 *       caller to report or {@linkplain BatchTally#rethrow() rethrow}.
 * </ul>
 *
 * Immutable and thread-safe: one instance serves any number of threads; it holds no state per
 * batch.
 */
public final class BatchApply {
    private final VersionedTarget target;
    private final int attempts;
    private final @Nullable Retry retry;
    private final boolean splitRefused;

    private BatchApply(VersionedTarget target, int attempts, @Nullable Retry retry, boolean splitRefused) {
        this.target = target;
        this.attempts = attempts;
        this.retry = retry;
        this.splitRefused = splitRefused;
    }

    /** Applies to {@code target} in one attempt per batch, failing a refused batch whole. */
    public static BatchApply to(VersionedTarget target) {
        return new BatchApply(Objects.requireNonNull(target, "target"), 1, null, false);
    }

    /**
     * This path, trying each batch (and each change of a split batch) up to {@code attempts} times
     * while the error is {@linkplain #retryable retryable}, waiting {@code interval} between tries.
     *
     * @param name names the Resilience4j {@link Retry}
     * @throws IllegalArgumentException when {@code attempts} is below 1
     */
    public BatchApply withRetry(String name, int attempts, IntervalFunction interval) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1 but was " + attempts);
        }
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(attempts)
                .intervalFunction(Objects.requireNonNull(interval, "interval"))
                // an interrupt ends the retries at once, whatever the error
                .retryOnException(e -> retryable(e) && !Thread.currentThread().isInterrupted())
                .build();
        return new BatchApply(target, attempts, Retry.of(Objects.requireNonNull(name, "name"), config), splitRefused);
    }

    /** This path, applying a refused batch of several changes again change by change. */
    public BatchApply splittingRefused() {
        return new BatchApply(target, attempts, retry, true);
    }

    /** How many times a batch, or a change of a split batch, is tried at most. */
    public int attempts() {
        return attempts;
    }

    /**
     * Applies {@code batch} and settles every change in it; an empty batch is not sent to the
     * target. Never throws short of a virtual-machine error (see the class comment).
     */
    public BatchTally apply(List<Change> batch) {
        BatchTally tally = new BatchTally(batch);
        if (batch.isEmpty()) {
            tally.landedWhole(List.of(), 0);
            return tally;
        }
        long started = System.nanoTime();
        List<ApplyOutcome> outcomes;
        try {
            outcomes = attempt(batch);
        } catch (Exception | Error e) {
            ApplyFailure.Kind kind = classify(e);
            if (kind == ApplyFailure.Kind.REFUSED && splitRefused && batch.size() > 1) {
                oneByOne(batch, tally);
            } else {
                tally.failedWhole(kind, e);
            }
            return tally;
        }
        tally.landedWhole(outcomes, System.nanoTime() - started);
        return tally;
    }

    private void oneByOne(List<Change> batch, BatchTally tally) {
        for (int i = 0; i < batch.size(); i++) {
            Change change = batch.get(i);
            if (Thread.currentThread().isInterrupted()) {
                tally.fail(new ApplyFailure(change, i, ApplyFailure.Kind.INTERRUPTED, null, true));
                continue;
            }
            ApplyOutcome outcome;
            try {
                // each change alone gets the same retries as a batch: a transient error is not a refusal
                outcome = attempt(List.of(change)).get(0);
            } catch (Exception | Error e) {
                tally.fail(new ApplyFailure(change, i, classify(e), e, true));
                continue;
            }
            tally.settle(i, outcome);
        }
    }

    private List<ApplyOutcome> attempt(List<Change> changes) throws Exception {
        Retry r = retry;
        return r == null
                ? checked(changes, target.apply(changes))
                : r.executeCallable(() -> checked(changes, target.apply(changes)));
    }

    private List<ApplyOutcome> checked(List<Change> changes, @Nullable List<ApplyOutcome> outcomes) {
        String wrong = outcomes == null
                ? "null"
                : outcomes.size() != changes.size()
                        ? outcomes.size() + " outcomes"
                        : holdsNull(outcomes) ? "a null outcome" : null;
        if (wrong != null) {
            throw new IllegalStateException(target.describe() + " returned " + wrong + " for " + changes.size()
                    + " changes: a VersionedTarget returns one per change");
        }
        return outcomes;
    }

    /** Whether {@code outcomes} holds a null (a loop: {@code List.of(...).contains(null)} throws). */
    private static boolean holdsNull(List<ApplyOutcome> outcomes) {
        for (ApplyOutcome o : outcomes) {
            if (o == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a failed try means, once the last retry (if any) is over; sets the interrupt status again
     * for an interrupt, and rethrows what no apply path may hold.
     */
    private static ApplyFailure.Kind classify(Throwable e) {
        rethrowIfFatal(e);
        if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
            Thread.currentThread().interrupt();
            return ApplyFailure.Kind.INTERRUPTED;
        }
        return retryable(e) ? ApplyFailure.Kind.EXHAUSTED : ApplyFailure.Kind.REFUSED;
    }

    /**
     * Whether trying the same changes again may succeed: not for interrupts, nor for what says the
     * data or the call is wrong ({@link IllegalArgumentException}, {@link IllegalStateException},
     * {@link NullPointerException}, {@link ClassCastException}, {@link
     * UnsupportedOperationException}, an SQL data, constraint or syntax error: SQL states 22, 23,
     * 42). Everything else (a lost connection, a timeout, a throttled request) may pass next time.
     */
    public static boolean retryable(Throwable e) {
        if (e instanceof InterruptedException
                || e instanceof IllegalArgumentException
                || e instanceof NullPointerException
                || e instanceof ClassCastException
                || e instanceof UnsupportedOperationException
                || e instanceof IllegalStateException) {
            return false;
        }
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            return !(state.startsWith("22") || state.startsWith("23") || state.startsWith("42"));
        }
        return true;
    }

    /**
     * Rethrows a virtual-machine error (out of memory, an internal error) that no apply path may
     * swallow; a {@link StackOverflowError} is left to be handled as a failure of the call.
     */
    public static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal && !(t instanceof StackOverflowError)) {
            throw fatal;
        }
    }
}
