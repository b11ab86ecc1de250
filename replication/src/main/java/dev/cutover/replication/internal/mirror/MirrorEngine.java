package dev.cutover.replication.internal.mirror;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.journal.KeyLedger;
import dev.cutover.replication.Change;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.spi.ChangeQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running mirror: the observe path on the application's threads, the worker threads, and the
 * close sequence.
 *
 * <p>Guarantees, and why they hold:
 *
 * <ul>
 *   <li><b>The application never sees a mirror exception.</b> {@link #observe} catches everything
 *       but virtual-machine errors; what goes wrong becomes a counted, recorded failure.
 *   <li><b>No change is lost silently.</b> A change is either offered successfully (and then
 *       settled by a worker: counted by outcome, or recorded as failed), or recorded as dropped
 *       on the observing thread. At close, changes left in a non-durable queue are recorded too.
 *       Close cannot race with an observer into losing one: an observer raises {@code observing}
 *       <em>before</em> it reads {@code accepting}, and close lowers {@code accepting} before it
 *       waits for {@code observing} to reach zero, then drains the queue. With both being
 *       sequentially consistent atomics, either the observer sees the mirror closed (and records
 *       the change as dropped), or close waits for it and drains its change afterwards.
 *   <li><b>Quiet means quiet.</b> {@code pending} rises before an offer and falls only after the
 *       change settled (or the offer failed): zero means nothing of this process is in flight.
 * </ul>
 *
 * Workers are platform threads named {@code cutover-mirror-<name>-<n>}, daemon so that a mirror
 * never closed cannot keep the JVM alive; {@link #close} stops and joins them.
 *
 * @param <E> the event type
 */
public final class MirrorEngine<E> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Mirror");
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final long QUIET_CHECK_NANOS = 1_000_000L;

    private final MirrorSettings<E> settings;
    private final ChangeQueue queue;
    private final MirrorCounters counters = new MirrorCounters();
    private final MirrorFailures failures;
    private final MirrorApplier applier;
    private final MirrorIntake<E> intake;
    private final List<Thread> workers = new ArrayList<>();
    private final List<MirrorSubscriber<E>> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicInteger observing = new AtomicInteger();
    private volatile boolean accepting = true;
    private volatile boolean stopping;
    private boolean closed;
    private boolean closeResult;

    public MirrorEngine(MirrorSettings<E> settings) {
        this.settings = settings;
        this.queue = settings.queue();
        if (settings.journalDefaulted()) {
            LOG.warn(
                    "mirror '{}': the keys of changes not applied go to an in-memory journal and are lost when the process"
                            + " ends; pass .journal(...) a durable journal for production",
                    settings.name());
        }
        this.failures = new MirrorFailures(
                settings.name(),
                settings.failureListener(),
                new KeyLedger(
                        settings.name(),
                        settings.journal(),
                        settings.pendingKeysBound(),
                        settings.runHeartbeat(),
                        settings.clock(),
                        w -> {},
                        () -> {}),
                settings.clock());
        this.applier = new MirrorApplier(settings, counters, failures);
        this.intake = new MirrorIntake<>(settings, counters, failures);
        for (int i = 0; i < settings.workers(); i++) {
            workers.add(DaemonThreads.newThread("cutover-mirror-" + settings.name() + "-" + (i + 1), this::work));
        }
        workers.forEach(Thread::start);
    }

    public String name() {
        return settings.name();
    }

    /** Mirrors one event. Never throws (short of a virtual-machine error). */
    public void observe(E event) {
        observing.incrementAndGet();
        try {
            intake.accept(event, accepting);
        } finally {
            observing.decrementAndGet();
        }
    }

    /** Whether the gate is open now. */
    public boolean gateOpen() {
        return intake.gateOpen();
    }

    long pending() {
        return counters.pending.get();
    }

    public MirrorCounters counters() {
        return counters;
    }

    public long queueDepth() {
        try {
            return queue.depth();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public MirrorCounts counts() {
        MirrorCounters c = counters;
        return new MirrorCounts(
                c.observed(),
                c.skipped(),
                c.unmapped(),
                c.mirrored(),
                c.applied(),
                c.superseded(),
                c.duplicate(),
                c.dropped(),
                c.failed(),
                c.pending(),
                queueDepth());
    }

    /** A new subscriber feeding this mirror, requesting at most {@code window} events ahead. */
    public Flow.Subscriber<E> subscriber() {
        long window =
                queue instanceof QueueInProcess q ? q.capacity() : (long) settings.batchSize() * settings.workers() * 4;
        return new MirrorSubscriber<>(this, window);
    }

    boolean register(MirrorSubscriber<E> subscriber) {
        subscribers.add(subscriber);
        if (!accepting) {
            subscribers.remove(subscriber);
            return false;
        }
        return true;
    }

    void unregister(MirrorSubscriber<E> subscriber) {
        subscribers.remove(subscriber);
    }

    private void work() {
        while (!stopping) {
            ChangeQueue.Delivery delivery;
            try {
                delivery = queue.poll(settings.batchSize(), IDLE_POLL, settings.linger());
            } catch (InterruptedException e) {
                continue; // close interrupts; the loop condition decides
            } catch (Exception | Error e) {
                MirrorFailures.rethrowIfFatal(e);
                LOG.warn(
                        "mirror '{}': polling the queue failed with {}; trying again",
                        name(),
                        e.getClass().getName());
                LockSupport.parkNanos(IDLE_POLL.toNanos());
                continue;
            }
            List<Change> changes = delivery.changes();
            if (changes.isEmpty()) {
                continue;
            }
            applier.apply(changes);
            try {
                queue.ack(delivery);
            } catch (Exception | Error e) {
                MirrorFailures.rethrowIfFatal(e);
                LOG.warn(
                        "mirror '{}': acknowledging {} changes failed with {}; the queue may deliver them again (harmless)",
                        name(),
                        changes.size(),
                        e.getClass().getName());
            }
            counters.pending.addAndGet(-changes.size());
            for (MirrorSubscriber<E> s : subscribers) {
                s.replenish();
            }
        }
    }

    /** Waits until nothing this mirror accepted is in flight and the queue is empty. */
    public boolean awaitQuiet(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counters.pending.get() > 0
                || queueDepth() > 0
                || !failures.ledger().idle()) {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(QUIET_CHECK_NANOS);
        }
        return true;
    }

    /**
     * Stops accepting, lets the workers drain until {@code timeout}, stops them, and records what
     * was left in a non-durable queue. Returns whether everything was settled in time. Idempotent:
     * later calls return the first call's answer.
     */
    public synchronized boolean close(Duration timeout) {
        if (closed) {
            return closeResult;
        }
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        accepting = false;
        subscribers.forEach(MirrorSubscriber::cancel);
        awaitObservers(deadline);
        boolean drained = awaitQuiet(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        stopping = true;
        workers.forEach(Thread::interrupt);
        boolean joined =
                MirrorThreads.join(workers, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000_000L)));
        awaitObservers(System.nanoTime() + settings.maxBlock().toNanos() + 1_000_000_000L);
        if (queue instanceof QueueInProcess inProcess) {
            for (Change left : inProcess.drain()) {
                counters.failed.increment();
                counters.pending.decrementAndGet();
                failures.record(left, MirrorFailure.Reason.CLOSED, "still queued when the mirror closed");
                drained = false;
            }
        }
        // the keys of everything not applied are in the ledger now: journal them within the bound
        boolean journaled = failures.ledger().close(Math.max(1_000_000_000L, deadline - System.nanoTime()));
        drained = drained && journaled;
        if (!joined) {
            LOG.warn(
                    "mirror '{}': a worker did not stop within the close timeout (a target call that ignores interrupts)",
                    name());
        }
        closeResult = drained && joined;
        return closeResult;
    }

    private void awaitObservers(long deadline) {
        while (observing.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(QUIET_CHECK_NANOS);
        }
    }
}
