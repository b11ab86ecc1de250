package dev.cutover.dualwrite.internal;

import dev.cutover.compare.Difference;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Repeats a read on the shadow store and compares. A mismatch is not reported at once: after the
 * comparison's re-check delay (scheduled on the timer, never slept) both stores are read again on
 * the same lane; if the authoritative answer changed meanwhile the key was being written and the
 * report is CHANGED, not a mismatch; otherwise the re-check's verdict is reported. A read without
 * a key re-checks only once the shadow writes submitted before its first comparison have ended
 * (see {@link WriteFences}), or reports the mismatch unconfirmed when they have not within the
 * budget. Not API.
 */
final class ShadowRead extends ShadowTask {
    private static final long RECHECK_POLL_NANOS = 10_000_000L;
    private final CallOutcome auth;
    private @Nullable CallOutcome shadow;
    private @Nullable ReadVerdict first;
    /** For a read without a key: the last shadow write opened when the mismatch was first seen. */
    private long barrier;
    /** {@link System#nanoTime()} after which a re-check stops waiting for that barrier. */
    private long barrierDeadline;

    ShadowRead(
            ShadowContext ctx,
            MethodPlan plan,
            @Nullable String key,
            Stage stage,
            Object @Nullable [] args,
            CallOutcome auth,
            long started,
            long returned) {
        super(ctx, plan, key, stage, args, started, returned);
        this.auth = auth;
    }

    @Override
    void run() {
        if (first == null) {
            read();
        } else {
            recheck(first);
        }
    }

    private void read() {
        CallOutcome s = call(stage.shadow(), deadline, auth);
        shadow = s;
        switch (s.kind()) {
            case SHED -> report(Outcome.SHED, List.of(), null, false);
            case CIRCUIT_OPEN -> report(Outcome.SKIPPED_CIRCUIT_OPEN, List.of(), null, false);
            case TIMED_OUT ->
                report(Outcome.TIMED_OUT, List.of(), "no answer within the " + ctx.budget + " budget", false);
            case CANCELLED -> {}
            case RETURNED, THREW -> {
                ReadVerdict v = ReadVerdict.of(ctx.comparison, plan.method(), stage.authoritative(), auth, s);
                Duration delay = ctx.comparison.recheckDelay();
                if (v.outcome() == Outcome.MISMATCH && !delay.isZero()) {
                    first = v;
                    barrier = ctx.fences.sequence();
                    barrierDeadline = System.nanoTime() + delay.toNanos() + ctx.budgetNanos;
                    ctx.work.later(this, delay.toNanos());
                } else {
                    report(v.outcome(), v.differences(), v.error(), false);
                }
            }
        }
    }

    private void recheck(ReadVerdict mismatch) {
        if (key == null && !ctx.fences.endedUpTo(stage.shadow(), barrier)) {
            // no lane orders this read after the writes it lists: wait for them, on the timer, bounded
            if (System.nanoTime() - barrierDeadline < 0) {
                ctx.work.later(this, RECHECK_POLL_NANOS);
            } else {
                report(mismatch, "shadow writes submitted before the read had not finished within the budget");
            }
            return;
        }
        long deadline = System.nanoTime() + ctx.budgetNanos;
        CallOutcome again = call(stage.authoritative(), deadline, null);
        if (!again.answered()) {
            report(mismatch, "the re-check could not read the " + side(stage.authoritative()) + " store");
            return;
        }
        if (!ReadVerdict.same(ctx.comparison, auth, again)) {
            report(Outcome.CHANGED, List.of(), null, true);
            return;
        }
        CallOutcome shadowAgain = call(stage.shadow(), deadline, again);
        if (!shadowAgain.answered()) {
            report(mismatch, "the re-check could not read the " + side(stage.shadow()) + " store");
            return;
        }
        ReadVerdict v = ReadVerdict.of(ctx.comparison, plan.method(), stage.authoritative(), again, shadowAgain);
        report(v.outcome(), v.differences(), v.error(), true);
    }

    /** Calls one store; the shadow side goes through its breaker. */
    private CallOutcome call(Side side, long deadline, @Nullable CallOutcome authoritative) {
        boolean shadowSide = side == stage.shadow();
        var breaker = shadowSide ? ctx.breaker(side) : null;
        CallOutcome admitted = ctx.caller.admit(deadline, breaker);
        if (admitted != null) {
            return admitted;
        }
        Throwable expected = authoritative == null ? null : authoritative.error();
        CallOutcome o = ctx.caller.invoke(
                ctx.store(side), plan, args, deadline, breaker, expected == null ? null : expected.getClass());
        if (o.nanos() >= 0 && shadowSide) {
            ctx.telemetry.sink().shadowLatency(plan.index(), side, o.nanos());
        }
        return o;
    }

    private void report(ReadVerdict unconfirmed, String why) {
        report(
                unconfirmed.outcome(),
                unconfirmed.differences(),
                unconfirmed.error() == null ? why : unconfirmed.error() + "; " + why,
                false);
    }

    private void report(Outcome outcome, List<Difference> differences, @Nullable String error, boolean rechecked) {
        CallOutcome s = shadow;
        Duration authLatency = Duration.ofNanos(auth.nanos());
        Duration shadowLatency = s == null || s.nanos() < 0 ? null : Duration.ofNanos(s.nanos());
        boolean oldIsAuth = stage.authoritative() == Side.OLD;
        ctx.reporter.report(
                plan.index(),
                new ComparisonReport(
                        ctx.repository,
                        plan.name(),
                        key,
                        stage,
                        outcome,
                        differences,
                        oldIsAuth ? authLatency : shadowLatency,
                        oldIsAuth ? shadowLatency : authLatency,
                        rechecked,
                        error));
    }

    @Override
    void cancel() {
        // closing: a read not compared needs no record
    }

    @Override
    LaneTask shed(String why) {
        return notice(key, () -> report(Outcome.SHED, List.of(), why, false));
    }

    @Override
    void shedUncompared() {
        ctx.telemetry.comparison(plan.index(), Outcome.SHED);
    }

    @Override
    void refuse() {
        // closed: reads are served by the authoritative store only
    }

    private static String side(Side side) {
        return side == Side.OLD ? "old" : "new";
    }
}
