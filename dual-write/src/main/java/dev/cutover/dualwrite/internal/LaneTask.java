package dev.cutover.dualwrite.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A unit of shadow work as a {@link Lane} runs it. Exactly one of {@link #run()} and
 * {@link #cancel()} is called, once, on a shadow thread (or on the thread closing the proxy).
 * Neither may throw; {@link ShadowWork} logs it as a bug if one does. Not API.
 */
abstract class LaneTask {
    /** The counter this task occupies while queued (the shadow queue or the notice queue), if any. */
    @Nullable
    AtomicInteger quota;

    /** The entity key: tasks with the same key run in one lane, in order. */
    abstract @Nullable String key();

    /** Does the work. */
    abstract void run();

    /** The proxy is closing and the work will not be done: record that (journal, count). */
    abstract void cancel();

    /**
     * Called once when the task has ended for good: after {@link #run()} or {@link #cancel()}, or
     * when it was shed or refused without either. Nothing by default.
     */
    void ended() {}
}
