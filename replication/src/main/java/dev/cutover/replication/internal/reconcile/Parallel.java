package dev.cutover.replication.internal.reconcile;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.replication.ReconciliationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The threads of one reconciliation: both sides read at once, each one page ahead. */
final class Parallel {
    private Parallel() {}

    /** A reconciliation's own pool of daemon threads, shut down when the run ends. */
    static ExecutorService threads(String name) {
        return Executors.newCachedThreadPool(DaemonThreads.numbered(name));
    }

    /** Work that reads a side. */
    interface Side {
        void run() throws ReconciliationException, InterruptedException;
    }

    /**
     * Runs {@code second} on a thread of {@code io} and {@code first} on the calling thread, and
     * returns when both have; the first failure is thrown, the other side cancelled.
     */
    static void both(ExecutorService io, Side first, Side second) throws ReconciliationException, InterruptedException {
        Future<?> other = io.submit(() -> {
            second.run();
            return null;
        });
        try {
            first.run();
            other.get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } finally {
            other.cancel(true);
        }
    }

    /** The failure of a task, as what the reconciliation throws. */
    static ReconciliationException rethrow(Throwable cause) throws InterruptedException {
        if (cause instanceof ReconciliationException r) {
            return r;
        }
        if (cause instanceof InterruptedException i) {
            throw i;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new ReconciliationException("reconciliation failed: " + cause, cause);
    }
}
