package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Repairs one key of a proxy from its authoritative store, on the key's shadow lane: re-reads the
 * authority, writes (or deletes) the other store, and re-reads the authority to check that it did
 * not change meanwhile. What {@code JournalRepair} runs per key.
 *
 * <p><b>Guarantee.</b> A repair never leaves the repaired store older than the authority because a
 * write through this proxy raced it, and it reports {@link Kind#WRITTEN} or {@link Kind#DELETED}
 * (the caller may resolve the key's journal entries) only when the authority read after the write
 * still equals what was copied.
 *
 * <p><b>Why it holds.</b> (1) The repair is a task on the key's lane, and a lane runs its tasks one
 * at a time in order. A caller's write of the key goes to the authority on the caller's thread and
 * then queues its shadow write on that lane. If the authority write completed before the repair's
 * read, the repair copies it (or something newer); otherwise its shadow write was queued after the
 * repair task had started, so it runs after the repair and lands last. A shadow write that misses
 * re-journals the key with a newer id, which resolving the old id leaves pending. (2) The stage
 * could flip while the repair runs and make the repaired store the authority, whose writes do not
 * wait in the lane. So the repair registers itself in the {@link WriteFences} as a shadow write to
 * that store before it checks the stage a second time: a caller that resolved the new stage after
 * that check waits for the repair (within the budget); a flip before it is seen by the check, and
 * the repair does nothing ({@link Kind#MOVED}). (3) Writes through other processes' proxies do not
 * go through this lane. Their shadow write may land before the repair's and be overwritten by an
 * older copy; but then their authority write came after the repair's read, and the re-read sees
 * it, so the repair reports {@link Kind#CHANGED} and the entry stays pending for the next pass.
 * (Equal means equal by {@code equals} or by the proxy's {@code Comparison}, normalizers included.)
 *
 * <p><b>Bounds.</b> The read and the write share one shadow budget, counted from the start of the
 * task; the fence holds callers at most that long; a call past it is interrupted and the key
 * {@link Kind#FAILED}. A store that ignores the interrupt may still land late, as a shadow write
 * can. Calls to the repaired store go through its breaker (an open breaker fails the key). The
 * task runs outside the shadow queue's bound; the waiting thread gives up after its own bound and
 * the task, if it runs later, is as safe as any other (it re-reads when it runs). Thread-safe.
 * Not API.
 */
public final class LaneRepairs {
    private final ShadowContext ctx;
    private final Function<@Nullable String, Stage> stages;

    LaneRepairs(ShadowContext ctx, Function<@Nullable String, Stage> stages) {
        this.ctx = ctx;
        this.stages = stages;
    }

    /** How a key's repair ended. */
    public enum Kind {
        /** The repaired store was written with the authority's entity, which was still there after. */
        WRITTEN,
        /** The authority holds nothing, and the repaired store's entity was deleted. */
        DELETED,
        /** The authority holds nothing and no delete was given: nothing done. */
        ABSENT,
        /** The authority changed while the repair ran: the repaired store may be older. */
        CHANGED,
        /** The stage no longer has {@code source} as authority with shadow writes: nothing done. */
        MOVED,
        /** A call failed, timed out, or met an open breaker; or the lane did not run the repair in time. */
        FAILED,
        /** The proxy is closed or closing: nothing done. */
        CLOSED
    }

    /**
     * How a key's repair ended.
     *
     * @param kind how
     * @param detail why, for {@link Kind#FAILED}, {@link Kind#MOVED} and {@link Kind#CLOSED}; never entity data
     */
    public record Outcome(Kind kind, @Nullable String detail) {}

    /** One key's repair: the calls it makes, by the repository interface's methods. */
    public record Plan(
            Side source,
            Method read,
            Method write,
            @Nullable Method delete) {
        public Plan {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(read, "read");
            Objects.requireNonNull(write, "write");
        }
    }

    /** The proxy's shadow budget: what one key's calls may take together. */
    public long budgetNanos() {
        return ctx.budgetNanos;
    }

    /** Whether the proxy still accepts shadow work. */
    public boolean isOpen() {
        return ctx.work.isOpen();
    }

    /**
     * Repairs {@code key} on its lane and waits for the outcome, at most {@code waitNanos}.
     *
     * @param key the entity key as the proxy and the journal spell it (it chooses the lane)
     * @param argument the key as the read method takes it
     * @param deleteArgument the key as the delete method takes it (null without a delete)
     */
    public Outcome repair(String key, Object argument, @Nullable Object deleteArgument, Plan plan, long waitNanos)
            throws InterruptedException {
        Task task = new Task(key, argument, deleteArgument, plan);
        if (!ctx.work.offerKeyed(task)) {
            return new Outcome(Kind.CLOSED, "the proxy no longer accepts shadow work");
        }
        try {
            return task.result.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new Outcome(
                    Kind.FAILED,
                    "the key's shadow lane did not run the repair within " + TimeUnit.NANOSECONDS.toMillis(waitNanos)
                            + " ms");
        } catch (ExecutionException e) {
            return new Outcome(
                    Kind.FAILED,
                    "the repair task failed: " + e.getCause().getClass().getName());
        }
    }

    private final class Task extends LaneTask {
        final String key;
        final Object argument;
        final @Nullable Object deleteArgument;
        final Plan plan;
        final CompletableFuture<Outcome> result = new CompletableFuture<>();

        Task(String key, Object argument, @Nullable Object deleteArgument, Plan plan) {
            this.key = key;
            this.argument = argument;
            this.deleteArgument = deleteArgument;
            this.plan = plan;
        }

        @Override
        @Nullable
        String key() {
            return key;
        }

        @Override
        void run() {
            Outcome o;
            try {
                o = repair();
            } catch (Throwable t) {
                o = new Outcome(
                        Kind.FAILED,
                        "the repair failed unexpectedly: " + t.getClass().getName());
            }
            result.complete(o);
        }

        @Override
        void cancel() {
            result.complete(new Outcome(Kind.CLOSED, "the proxy closed before the repair ran"));
        }

        @Override
        void ended() {
            result.complete(new Outcome(Kind.CLOSED, "the proxy closed before the repair ran"));
        }

        private Outcome repair() {
            long start = System.nanoTime();
            long deadline = start + ctx.budgetNanos;
            Side source = plan.source();
            Side target = source.other();
            Stage stage = stages.apply(key);
            if (!repairable(stage)) {
                return moved(stage);
            }
            MethodPlan writePlan = plan(plan.write(), MethodPlan.Kind.WRITE);
            MethodPlan readPlan = plan(plan.read(), MethodPlan.Kind.READ);
            // a write to the target in flight: callers that find the target authoritative wait for it
            ShadowWrite fence = new ShadowWrite(ctx, writePlan, key, stage, null, null, start, start);
            ctx.fences.opened(fence);
            CallOutcome first;
            try {
                Stage now = stages.apply(key);
                if (!repairable(now)) {
                    return moved(now);
                }
                first = ctx.caller.invoke(ctx.store(source), readPlan, new Object[] {argument}, deadline, null, null);
                if (first.kind() != CallOutcome.Kind.RETURNED) {
                    return failed("reading the " + name(source) + " store", first);
                }
                Object entity = unwrap(first.value());
                Method delete = plan.delete();
                if (entity == null && delete == null) {
                    return new Outcome(Kind.ABSENT, null);
                }
                CircuitBreaker breaker = ctx.breaker(target);
                CallOutcome written = ctx.caller.admit(deadline, breaker);
                if (written == null) {
                    written = entity == null
                            ? ctx.caller.invoke(
                                    ctx.store(target),
                                    plan(delete, MethodPlan.Kind.WRITE),
                                    new Object[] {deleteArgument},
                                    deadline,
                                    breaker,
                                    null)
                            : ctx.caller.invoke(
                                    ctx.store(target), writePlan, new Object[] {entity}, deadline, breaker, null);
                }
                if (written.kind() != CallOutcome.Kind.RETURNED) {
                    return failed(
                            (entity == null ? "deleting from" : "writing") + " the " + name(target) + " store",
                            written);
                }
            } finally {
                ctx.fences.closed(fence);
            }
            // the write landed; did the authority change since it was read (a write another process made)?
            long again = System.nanoTime() + ctx.budgetNanos;
            CallOutcome second =
                    ctx.caller.invoke(ctx.store(source), readPlan, new Object[] {argument}, again, null, null);
            if (second.kind() != CallOutcome.Kind.RETURNED) {
                return failed("re-reading the " + name(source) + " store", second);
            }
            if (!same(first, second)) {
                return new Outcome(Kind.CHANGED, null);
            }
            return new Outcome(unwrap(first.value()) == null ? Kind.DELETED : Kind.WRITTEN, null);
        }

        private boolean repairable(Stage stage) {
            return stage.authoritative() == plan.source() && stage.shadowWrites();
        }

        private Outcome moved(Stage stage) {
            return new Outcome(
                    Kind.MOVED,
                    "the key's stage is " + stage + ", which does not repair the "
                            + name(plan.source().other()) + " store from the " + name(plan.source()) + " one");
        }
    }

    private boolean same(CallOutcome first, CallOutcome second) {
        return Objects.equals(unwrap(first.value()), unwrap(second.value()))
                || ReadVerdict.same(ctx.comparison, first, second);
    }

    private static MethodPlan plan(Method method, MethodPlan.Kind kind) {
        return new MethodPlan(-1, method, kind, MethodPlan.KeyExtractor.NONE, false);
    }

    private static @Nullable Object unwrap(@Nullable Object value) {
        return value instanceof Optional<?> o ? o.orElse(null) : value;
    }

    private Outcome failed(String what, CallOutcome outcome) {
        String why = switch (outcome.kind()) {
            case RETURNED -> "returned";
            case THREW -> "threw " + outcome.errorClass();
            case TIMED_OUT -> "had no answer within the " + ctx.budget + " budget";
            case SHED -> "did not start within the " + ctx.budget + " budget";
            case CIRCUIT_OPEN -> "met an open circuit breaker";
            case CANCELLED -> "was cancelled: the proxy is closing";
        };
        return new Outcome(outcome.kind() == CallOutcome.Kind.CANCELLED ? Kind.CLOSED : Kind.FAILED, what + " " + why);
    }

    private static String name(Side side) {
        return side == Side.OLD ? "old" : "new";
    }
}
