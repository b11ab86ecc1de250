package dev.cutover.dualwrite.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A serial queue of shadow tasks drained on a shared executor.
 *
 * <p><b>Guarantee:</b> tasks offered to one lane run one at a time, in the order they were
 * offered, and every task offered is eventually handed to {@link ShadowWork#execute} or polled by
 * {@link #poll()} (the closing sweep). Since all tasks of one entity key go to one lane and a
 * caller offers its shadow write only after the authoritative write returned, two writes of one key
 * made one after the other by one thread reach the shadow store in the same order.
 *
 * <p><b>How:</b> at most one drain task per lane is ever submitted to the executor, guarded by
 * the {@code scheduled} flag (the serializing-executor pattern): an offer schedules a drain only
 * when none is scheduled, and a drain that ends re-checks the queue after clearing the flag, so an
 * offer racing with the end of a drain is never stranded. A drain runs at most {@value #BATCH}
 * tasks before yielding its thread, so one busy lane cannot starve the others. When the executor
 * rejects the drain (it is shut down, or a user's executor is saturated) the flag is cleared and
 * the tasks wait for the next offer or the closing sweep. Not API.
 */
final class Lane implements Runnable {
    private static final int BATCH = 64;

    private final ConcurrentLinkedQueue<LaneTask> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ShadowWork work;
    private final Executor executor;

    Lane(ShadowWork work, Executor executor) {
        this.work = work;
        this.executor = executor;
    }

    void offer(LaneTask task) {
        queue.offer(task);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                work.rejected(e);
            }
        }
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < BATCH; i++) {
                LaneTask task = queue.poll();
                if (task == null) {
                    break;
                }
                work.execute(task);
            }
        } finally {
            scheduled.set(false);
            if (!queue.isEmpty()) {
                schedule();
            }
        }
    }

    /** Takes the next queued task, for the closing sweep. */
    @Nullable
    LaneTask poll() {
        return queue.poll();
    }
}
