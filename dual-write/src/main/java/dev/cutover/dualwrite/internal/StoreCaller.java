package dev.cutover.dualwrite.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Calls a store on a shadow thread within a time budget, behind a circuit breaker.
 *
 * <p><b>Guarantee:</b> a call that passes its deadline is interrupted by the timer thread and
 * reported {@code TIMED_OUT}; the shadow thread's interrupt flag is clear afterwards, so a late
 * interrupt never leaks into the next task. Every breaker permission acquired is released or
 * recorded exactly once.
 *
 * <p><b>How:</b> the call runs inline as a {@link FutureTask}; the timer cancels it with
 * {@code cancel(true)} at the deadline. {@code FutureTask} interrupts the runner only while the
 * call is still running, and does not return from {@code run()} until a cancelling interrupt has
 * been delivered, so clearing the flag right after {@code run()} is enough. A store that ignores
 * interrupts holds the lane until it returns; tasks behind it that pass their own deadline are then
 * shed.
 *
 * <p><b>The breaker judges the store, not the queue.</b> A call admitted late in its budget is cut
 * short at the deadline; under overload most are. Counting those as failures would open the
 * breaker because of the queue, and every half-open probe, admitted just as late, would reopen it,
 * so the breaker would stay open for as long as the overload lasts. A timeout counts as a failure
 * only when the call itself ran at least the slow-call threshold (the budget); a shorter one gives
 * its permit back. Not API.
 */
final class StoreCaller {
    private final ShadowWork work;
    /** A call that ran this long was slow by the breaker's own measure, whatever cut it. */
    private final long slowNanos;

    StoreCaller(ShadowWork work, long slowNanos) {
        this.work = work;
        this.slowNanos = slowNanos;
    }

    /**
     * Checks the budget and asks the breaker (null: no breaker); returns null when the call may go
     * ahead, holding a breaker permission, or why it may not.
     */
    @Nullable
    CallOutcome admit(long deadlineNanos, @Nullable CircuitBreaker breaker) {
        if (deadlineNanos - System.nanoTime() <= 0) {
            return CallOutcome.SHED;
        }
        if (breaker != null && !breaker.tryAcquirePermission()) {
            return CallOutcome.CIRCUIT_OPEN;
        }
        return null;
    }

    /**
     * Makes an admitted call.
     *
     * @param expectedError the class the authoritative store threw for this call, or null: the same
     *     class from this store is an answer, not a failure of the store
     */
    CallOutcome invoke(
            Object store,
            MethodPlan plan,
            Object @Nullable [] args,
            long deadlineNanos,
            @Nullable CircuitBreaker breaker,
            @Nullable Class<?> expectedError) {
        FutureTask<@Nullable Object> call = new FutureTask<>(() -> invoke(store, plan, args));
        long start = System.nanoTime();
        if (!work.startCall(call)) {
            release(breaker);
            return CallOutcome.CANCELLED;
        }
        ScheduledFuture<?> timer = work.schedule(() -> call.cancel(true), deadlineNanos - start);
        try {
            if (timer == null) {
                release(breaker);
                return CallOutcome.CANCELLED;
            }
            call.run();
        } finally {
            work.endCall(call);
            if (timer != null) {
                timer.cancel(false);
            }
            Thread.interrupted();
        }
        long nanos = System.nanoTime() - start;
        try {
            Object value = call.get();
            if (breaker != null) {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
            return CallOutcome.returned(value, nanos);
        } catch (CancellationException e) {
            if (work.cancelling()) {
                release(breaker);
                return CallOutcome.CANCELLED;
            }
            if (breaker != null) {
                if (nanos >= slowNanos) {
                    breaker.onError(nanos, TimeUnit.NANOSECONDS, new TimeoutException("shadow call past its budget"));
                } else {
                    // cut short by what was left of a budget the queue had spent: the store's health is
                    // unknown, so the call counts neither way (in HALF_OPEN the probe's permit comes back)
                    breaker.releasePermission();
                }
            }
            return new CallOutcome(CallOutcome.Kind.TIMED_OUT, null, null, nanos);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (breaker != null) {
                if (expectedError != null && expectedError == cause.getClass()) {
                    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                } else {
                    breaker.onError(nanos, TimeUnit.NANOSECONDS, cause);
                }
            }
            return CallOutcome.threw(cause, nanos);
        } catch (InterruptedException e) {
            // get() after run() never waits; keep the contract anyway
            Thread.currentThread().interrupt();
            release(breaker);
            return CallOutcome.CANCELLED;
        }
    }

    private static void release(@Nullable CircuitBreaker breaker) {
        if (breaker != null) {
            breaker.releasePermission();
        }
    }

    /** Calls the store's method, unwrapping what the store threw. */
    static @Nullable Object invoke(Object store, MethodPlan plan, Object @Nullable [] args) throws Exception {
        try {
            return plan.method().invoke(store, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
