package dev.cutover.dualwrite.internal;

import dev.cutover.journal.KeyLedger;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shadow work off the callers' threads: N serial {@link Lane}s on one executor, a bounded
 * queue with load shedding, one scheduler thread for time budgets and delayed re-checks, and a
 * close that drains, then cancels, then stops every thread it started.
 *
 * <p><b>Guarantees.</b> (1) A caller never blocks here: {@link #submit} is a few atomic operations
 * and a queue offer. (2) At most {@code capacity} tasks wait in the lanes; a task beyond that is
 * shed. A shed write puts its key in the proxy's {@link KeyLedger} on the caller's thread (one map
 * insert; the journal append happens on the ledger's thread), so no bound can lose it. A shed read
 * is reported SHED through a separate notice lane with its own bound of at least
 * {@value #MIN_NOTICES} (the listener must never run on the caller's thread); past that it is only
 * counted. (3) Every task submitted is exactly once run, cancelled, shed or refused, so every
 * shadow write that does not succeed reaches the ledger. (4) After {@link #close} returns true, no thread this object started is alive.
 *
 * <p><b>Why it holds.</b> {@code pending} counts every task from submission to its end,
 * including scheduled re-checks. A submitter increments it <i>before</i> reading {@code state}; the
 * closer writes {@code state} <i>before</i> reading {@code pending}. Both are volatile, so either
 * the submitter sees the proxy closing and refuses the task itself, or the closer sees the task in
 * {@code pending} and sweeps the lanes until it is gone. Running store calls are registered in
 * {@code running} the same way (register, then check the state), so the closer's interrupt reaches
 * every call that started. Scheduled re-checks sit in a set that the firing timer and the closer
 * both remove from; whoever removes a task owns it. Not API.
 */
public final class ShadowWork {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowWork.class);
    private static final int RUNNING = 0;
    private static final int CLOSING = 1;
    private static final int CANCELLING = 2;
    private static final int CLOSED = 3;
    /** Shed notices are small (no arguments, no results); keep room for a burst of them. */
    private static final int MIN_NOTICES = 10_000;

    private final String repository;
    private final Lane[] lanes;
    private final Lane notices;
    private final int capacity;
    private final int noticeCapacity;
    /** Why a task was shed, built once. */
    private final String shedWhy;

    private final ShadowThreads threads;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger noticesQueued = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final Set<LaneTask> delayed = ConcurrentHashMap.newKeySet();
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final RateLimitedLog rejections = new RateLimitedLog(1, TimeUnit.MINUTES);
    private volatile int state = RUNNING;
    private volatile boolean closeResult;
    private final AtomicBoolean warnedClosed = new AtomicBoolean();

    /**
     * @param executor the user's executor, or null to own one of {@code threads} threads
     * @param threads the owned executor's threads; there are four lanes per thread
     * @param capacity how many tasks may wait in the lanes
     */
    public ShadowWork(String repository, @Nullable Executor executor, int threads, int capacity) {
        this.repository = repository;
        this.capacity = capacity;
        this.noticeCapacity = Math.max(capacity, MIN_NOTICES);
        this.shedWhy = "the shadow queue was full (" + capacity + " tasks)";
        this.threads = new ShadowThreads(repository, executor, threads);
        Executor exec = this.threads.executor();
        this.lanes = new Lane[threads * 4];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(this, exec);
        }
        this.notices = new Lane(this, exec);
    }

    /** Queues a task; on the caller's thread. Never blocks, never throws. */
    void submit(ShadowTask task) {
        pending.incrementAndGet();
        if (state != RUNNING) {
            pending.decrementAndGet();
            if (warnedClosed.compareAndSet(false, true)) {
                LOG.warn(
                        "{}: called after close; serving the authoritative store only and journaling the"
                                + " writes it would have shadowed as CANCELLED",
                        repository);
            }
            task.refuse();
            task.ended();
            return;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            LaneTask notice = task.shed(shedWhy);
            if (notice == null) {
                // a write: its key is already in the ledger, nothing is left to run
                pending.decrementAndGet();
                task.ended();
                return;
            }
            if (noticesQueued.incrementAndGet() > noticeCapacity) {
                noticesQueued.decrementAndGet();
                pending.decrementAndGet();
                task.shedUncompared();
                task.ended();
                return;
            }
            notice.quota = noticesQueued;
            notices.offer(notice);
            task.ended();
            return;
        }
        task.quota = queued;
        laneOf(task.key()).offer(task);
    }

    /** Runs {@code task} on its lane after {@code delayNanos} (a re-check); outside the queue bound. */
    void later(LaneTask task, long delayNanos) {
        pending.incrementAndGet();
        if (state != RUNNING) {
            pending.decrementAndGet();
            task.cancel();
            return;
        }
        delayed.add(task);
        ScheduledFuture<?> timer = threads.schedule(
                () -> {
                    if (delayed.remove(task)) {
                        laneOf(task.key()).offer(task);
                    }
                },
                delayNanos);
        if (timer == null && delayed.remove(task)) {
            pending.decrementAndGet();
            task.cancel();
        }
    }

    /**
     * Queues {@code task} on its key's lane, outside the queue bound, so it runs serially with that
     * key's shadow work (a journal repair, see {@link LaneRepairs}); never on the caller's path.
     * Returns false, without running or cancelling the task, when the proxy no longer accepts work.
     */
    boolean offerKeyed(LaneTask task) {
        pending.incrementAndGet();
        if (state != RUNNING) {
            pending.decrementAndGet();
            return false;
        }
        laneOf(task.key()).offer(task);
        return true;
    }

    private Lane laneOf(@Nullable String key) {
        int h = key == null ? roundRobin.getAndIncrement() : key.hashCode() * 0x9E3779B9;
        return lanes[(h >>> 1) % lanes.length];
    }

    /** Runs or cancels one task; called by a lane on a shadow thread. */
    void execute(LaneTask task) {
        AtomicInteger quota = task.quota;
        if (quota != null) {
            task.quota = null; // a re-check runs the same task again, outside the bound
            quota.decrementAndGet();
        }
        try {
            if (state >= CANCELLING) {
                task.cancel();
            } else {
                task.run();
            }
        } catch (Throwable t) {
            LOG.error("{}: a shadow task failed unexpectedly (a bug in dual-write)", repository, t);
        } finally {
            pending.decrementAndGet();
            task.ended();
        }
    }

    /** Schedules {@code action} on the timer thread; null when the timer is shut down. */
    @Nullable
    ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
        return threads.schedule(action, delayNanos);
    }

    /**
     * Registers a store call about to run, so closing can interrupt it. Returns false when the proxy
     * is already cancelling: the call must not start.
     */
    boolean startCall(Future<?> call) {
        running.add(call);
        if (state >= CANCELLING) {
            running.remove(call);
            return false;
        }
        return true;
    }

    void endCall(Future<?> call) {
        running.remove(call);
    }

    /** Whether close has begun cancelling: an interrupted call was cancelled, not timed out. */
    boolean cancelling() {
        return state >= CANCELLING;
    }

    /** Whether new shadow work is still accepted. */
    public boolean isOpen() {
        return state == RUNNING;
    }

    void rejected(RejectedExecutionException e) {
        if (state == RUNNING) {
            long suppressed = rejections.permit("rejected");
            if (suppressed >= 0) {
                LOG.warn(
                        "{}: the shadow executor rejected work; it waits for the next task or close, and"
                                + " shadow calls past their budget are shed{}",
                        repository,
                        RateLimitedLog.suppressed(suppressed),
                        e);
            }
        }
    }

    /** Shadow tasks queued, running or scheduled. */
    public int pending() {
        return pending.get();
    }

    /** Shadow tasks waiting in the lanes. */
    public int queued() {
        return queued.get();
    }

    /** Waits until nothing is pending or the deadline ({@link System#nanoTime()}) passes. */
    public boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        while (pending.get() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            LockSupport.parkNanos(this, 1_000_000L);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return true;
    }

    /**
     * Closes within {@code boundNanos}: refuses new work, lets queued and running work finish for
     * most of the bound, cancels the rest, then stops the threads this object started.
     */
    public boolean close(long boundNanos) {
        long deadline = System.nanoTime() + boundNanos;
        synchronized (this) {
            if (state != RUNNING) {
                return awaitFirstClose(deadline);
            }
            state = CLOSING;
        }
        boolean interrupted = false;
        try {
            boolean drained;
            try {
                drained = awaitIdle(deadline - Math.min(boundNanos / 5, TimeUnit.MILLISECONDS.toNanos(500)));
            } catch (InterruptedException e) {
                interrupted = true;
                drained = false;
            }
            state = CANCELLING;
            cancelEverything(deadline);
            boolean terminated = threads.terminate(deadline);
            int left = pending.get();
            state = CLOSED;
            if (!terminated || left > 0) {
                LOG.warn(
                        "{}: closed with {} shadow task(s) unfinished and {}; a store call that ignores"
                                + " interrupts keeps its daemon thread until it returns",
                        repository,
                        left,
                        terminated ? "every thread stopped" : "shadow threads still running");
            }
            closeResult = drained && terminated && left == 0;
            return closeResult;
        } finally {
            closed.countDown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void cancelEverything(long deadline) {
        for (LaneTask t : delayed) {
            if (delayed.remove(t)) {
                pending.decrementAndGet();
                try {
                    t.cancel();
                } catch (Throwable e) {
                    LOG.error("{}: cancelling a re-check failed (a bug in dual-write)", repository, e);
                }
            }
        }
        for (Future<?> call : running) {
            call.cancel(true);
        }
        threads.stopTimer();
        // tasks still queued are cancelled here; one a caller was offering while we switched state is
        // in pending, so keep sweeping until pending is empty or the bound is spent
        while (true) {
            sweep(notices);
            for (Lane lane : lanes) {
                sweep(lane);
            }
            if (pending.get() == 0 || System.nanoTime() - deadline >= 0) {
                return;
            }
            LockSupport.parkNanos(this, 1_000_000L);
        }
    }

    private void sweep(Lane lane) {
        for (LaneTask t = lane.poll(); t != null; t = lane.poll()) {
            execute(t);
        }
    }

    private boolean awaitFirstClose(long deadline) {
        try {
            return closed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) && closeResult;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
