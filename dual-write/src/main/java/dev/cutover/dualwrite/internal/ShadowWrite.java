package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.FailedWrite.Reason;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Repeats a write on the shadow store. Every way it can end other than success is journaled with
 * the method, the key, the store that missed it and why: the store threw (FAILED), it passed the
 * budget (TIMED_OUT, it may still land), it waited past the budget or found the queue full (SHED),
 * the breaker was open (CIRCUIT_OPEN), or the proxy closed (CANCELLED). Not API.
 */
final class ShadowWrite extends ShadowTask {
    private final @Nullable Object result;
    /** Counted down when this write has ended, for callers fenced behind it ({@link WriteFences}). */
    final CountDownLatch done = new CountDownLatch(1);
    /** Set by {@link WriteFences#opened} on the caller's thread before the write is queued. */
    long sequence;

    ShadowWrite(
            ShadowContext ctx,
            MethodPlan plan,
            @Nullable String key,
            Stage stage,
            Object @Nullable [] args,
            @Nullable Object result,
            long started,
            long returned) {
        super(ctx, plan, key, stage, args, started, returned);
        this.result = result;
    }

    @Override
    void run() {
        Side target = stage.shadow();
        CircuitBreaker breaker = ctx.breaker(target);
        CallOutcome outcome = ctx.caller.admit(deadline, breaker);
        if (outcome == null) {
            Object[] shadowArgs;
            try {
                shadowArgs = ctx.handoff.shadowArguments(plan.method(), args == null ? new Object[0] : args, result);
                int expected = plan.method().getParameterCount();
                if (shadowArgs == null || shadowArgs.length != expected) {
                    breaker.releasePermission();
                    missed(
                            Reason.FAILED,
                            "the write handoff returned "
                                    + (shadowArgs == null ? "null" : shadowArgs.length + " argument(s)")
                                    + " for a method that takes " + expected);
                    return;
                }
            } catch (Throwable e) {
                breaker.releasePermission();
                missed(Reason.FAILED, "the write handoff threw " + e.getClass().getName());
                return;
            }
            outcome = ctx.caller.invoke(ctx.store(target), plan, shadowArgs, deadline, breaker, null);
        }
        if (outcome.nanos() >= 0) {
            ctx.telemetry.sink().shadowLatency(plan.index(), target, outcome.nanos());
        }
        switch (outcome.kind()) {
            case RETURNED -> ctx.telemetry.writeSucceeded(plan.index());
            case THREW -> missed(Reason.FAILED, "the " + name(target) + " store threw " + outcome.errorClass());
            case TIMED_OUT ->
                missed(Reason.TIMED_OUT, "no answer within the " + ctx.budget + " budget; it may still land");
            case SHED -> missed(Reason.SHED, "waited in the shadow queue past its " + ctx.budget + " budget");
            case CIRCUIT_OPEN ->
                missed(Reason.CIRCUIT_OPEN, "the circuit breaker of the " + name(target) + " store is open");
            case CANCELLED -> missed(Reason.CANCELLED, "the proxy closed while the write ran; it may have landed");
        }
    }

    @Override
    void cancel() {
        missed(Reason.CANCELLED, "the proxy closed before the write ran");
    }

    @Override
    void ended() {
        ctx.fences.closed(this);
    }

    @Override
    @Nullable
    LaneTask shed(String why) {
        missed(Reason.SHED, why); // a constant: nothing is built per shed write
        return null;
    }

    @Override
    void shedUncompared() {
        throw new AssertionError("a shed write records its key and has no notice");
    }

    @Override
    void refuse() {
        missed(
                Reason.CANCELLED,
                "the proxy was closed; only the " + name(stage.authoritative()) + " store was written");
    }

    private void missed(Reason reason, String detail) {
        ctx.journal.missed(plan, key, stage.shadow(), reason, detail, returned);
    }

    private static String name(Side side) {
        return side == Side.OLD ? "old" : "new";
    }
}
