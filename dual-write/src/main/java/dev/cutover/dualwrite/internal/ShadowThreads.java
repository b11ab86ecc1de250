package dev.cutover.dualwrite.internal;

import dev.cutover.concurrent.DaemonThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The threads one proxy starts: the shadow pool (unless the application passed an executor) and
 * one timer thread for time budgets and re-checks. All are daemon threads named
 * {@code cutover-dualwrite-<repository>-<role>-<n>}, so a thread dump or a leak check shows
 * whose they are. Threads start on first use; idle shadow threads end after 30 s; the timer thread
 * lives until {@link #terminate}. Thread-safe. Not API.
 */
final class ShadowThreads {
    /** Every thread the library starts has a name with this prefix. */
    static final String PREFIX = "cutover-dualwrite-";

    private final @Nullable ThreadPoolExecutor owned;
    private final Executor executor;
    private final ScheduledThreadPoolExecutor timer;

    /** @param executor the application's executor, or null to own a pool of {@code threads} */
    ShadowThreads(String repository, @Nullable Executor executor, int threads) {
        if (executor == null) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named(repository, "shadow"));
            pool.allowCoreThreadTimeOut(true);
            this.owned = pool;
            this.executor = pool;
        } else {
            this.owned = null;
            this.executor = executor;
        }
        this.timer = new ScheduledThreadPoolExecutor(1, named(repository, "timer"));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private static ThreadFactory named(String repository, String role) {
        return DaemonThreads.numbered(PREFIX + repository + "-" + role);
    }

    /** Where lanes drain. */
    Executor executor() {
        return executor;
    }

    /** Runs {@code action} on the timer thread after {@code delayNanos}; null once it is stopped. */
    @Nullable
    ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
        try {
            return timer.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Stops the timer at once, dropping what it had scheduled. */
    void stopTimer() {
        timer.shutdownNow();
    }

    /**
     * Stops every owned thread: the timer at once, the pool once its running tasks end (it is not
     * interrupted: running work was already cancelled and may be journaling). The application's
     * executor is left alone.
     *
     * @return whether all of them ended before the deadline ({@link System#nanoTime()})
     */
    boolean terminate(long deadline) {
        timer.shutdownNow();
        boolean ended = awaitTermination(timer, deadline);
        if (owned != null) {
            owned.shutdown();
            ended &= awaitTermination(owned, deadline);
        }
        return ended;
    }

    private static boolean awaitTermination(ExecutorService executor, long deadline) {
        try {
            return executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return executor.isTerminated();
        }
    }
}
