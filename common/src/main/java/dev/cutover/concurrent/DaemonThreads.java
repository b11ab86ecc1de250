package dev.cutover.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads with readable names: every thread the journal, the dual-write proxy and
 * replication start is made here and named {@code cutover-<part>-...}
 * ({@code cutover-dualwrite-journal-orders}, {@code cutover-mirror-orders-2}), so a thread dump or
 * a leak check shows whose a thread is.
 *
 * <pre>{@code
 * Thread drainer = DaemonThreads.newThread("cutover-dualwrite-journal-" + name, this::drainLoop);
 * ExecutorService pool = Executors.newCachedThreadPool(DaemonThreads.numbered("cutover-reconcile"));
 * }</pre>
 *
 * <p>A thread is made with {@link Thread#Thread(Runnable, String)}, so it takes its group,
 * priority and context class loader from the thread that makes it, and is then marked daemon: it
 * never keeps the JVM alive. No uncaught-exception handler is set; the group's and the JVM's
 * default apply. Threads are not started. Thread-safe.
 *
 * <p>Not meant for applications: it is public so that Cutover's modules share it. The flag modules,
 * which do not depend on this one, have the same in {@code dev.cutover.flags.spi.DaemonThreads}.
 *
 * @since 0.1.0
 */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** A daemon thread named {@code name} that runs {@code body}; not started. */
    public static Thread newThread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Makes daemon threads all named {@code name}: for an executor that keeps one thread. */
    public static ThreadFactory named(String name) {
        return body -> newThread(name, body);
    }

    /** Makes daemon threads named {@code prefix-1}, {@code prefix-2}, ... in the order it makes them. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger made = new AtomicInteger();
        return body -> newThread(prefix + "-" + made.incrementAndGet(), body);
    }
}
