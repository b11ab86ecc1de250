package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.Stage;
import org.jspecify.annotations.Nullable;

/**
 * The shadow half of one proxied call, pinned to the stage the call resolved: a write to repeat
 * on the shadow store, or a read to repeat and compare. Created on the caller's thread after the
 * authoritative call returned; everything after that happens on shadow threads, except
 * {@link #refuse()} and {@link #shed}. Not API.
 */
abstract class ShadowTask extends LaneTask {
    final ShadowContext ctx;
    final MethodPlan plan;
    final @Nullable String key;
    final Stage stage;
    final Object @Nullable [] args;
    /** {@link System#nanoTime()} when the caller's call started, plus the budget. */
    final long deadline;
    /** {@link System#nanoTime()} when the authoritative call returned. */
    final long returned;

    ShadowTask(
            ShadowContext ctx,
            MethodPlan plan,
            @Nullable String key,
            Stage stage,
            Object @Nullable [] args,
            long started,
            long returned) {
        this.ctx = ctx;
        this.plan = plan;
        this.key = key;
        this.stage = stage;
        this.args = args;
        this.deadline = started + ctx.budgetNanos;
        this.returned = returned;
    }

    @Override
    final @Nullable String key() {
        return key;
    }

    /**
     * The shadow queue was full; on the caller's thread. A write records its key at once (O(1)) and
     * returns null; a read returns the notice that reports it on a shadow thread.
     */
    abstract @Nullable LaneTask shed(String why);

    /** A read's notice did not fit either: count it on the caller's thread, nothing slower. */
    abstract void shedUncompared();

    /** The proxy is closed: on the caller's thread, record that the shadow half was not done. */
    abstract void refuse();

    /** A notice that runs {@code action} whether it is run or cancelled. */
    static LaneTask notice(@Nullable String key, Runnable action) {
        return new LaneTask() {
            @Override
            @Nullable
            String key() {
                return key;
            }

            @Override
            void run() {
                action.run();
            }

            @Override
            void cancel() {
                action.run();
            }
        };
    }
}
