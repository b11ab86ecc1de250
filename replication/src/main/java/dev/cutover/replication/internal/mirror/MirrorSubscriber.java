package dev.cutover.replication.internal.mirror;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Flow.Subscriber} that feeds a mirror with demand-based backpressure: it never asks the
 * publisher for more events than the mirror has room for, so {@code onNext} does not block in
 * the steady state and a slow target slows the publisher instead of filling memory.
 *
 * <p>Design: the window is the number of changes the mirror may hold in flight. After each event,
 * and whenever a worker settled a batch, {@link #replenish()} requests {@code window - pending -
 * outstanding} more, where outstanding is what was requested but not yet delivered; it asks only
 * once a quarter of the window is free, to request in chunks. Calls on the {@link
 * Flow.Subscription} must be serial (Reactive Streams rule 2.7) although replenishing is asked for
 * by the publisher's thread and by workers: a work-in-progress counter lets exactly one thread
 * compute and request at a time, and makes that thread loop once more for every other thread that
 * asked meanwhile. Nobody holds a lock while calling the publisher, so a publisher that delivers
 * synchronously inside {@code request} cannot deadlock with a worker. An event mapping to several
 * changes can overshoot the window; the queue's own bound and {@code maxBlock} still hold.
 *
 * @param <E> the event type
 */
final class MirrorSubscriber<E> implements Flow.Subscriber<E> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Mirror");

    private final MirrorEngine<E> engine;
    private final long window;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile Flow.@Nullable Subscription subscription;
    private volatile boolean done;

    MirrorSubscriber(MirrorEngine<E> engine, long window) {
        this.engine = engine;
        this.window = window;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        Objects.requireNonNull(s, "subscription");
        if (subscription != null || done) {
            s.cancel(); // rule 2.5: a second subscription is cancelled
            return;
        }
        subscription = s;
        if (!engine.register(this)) {
            cancel();
            return;
        }
        replenish();
    }

    @Override
    public void onNext(E event) {
        Objects.requireNonNull(event, "event");
        outstanding.updateAndGet(n -> Math.max(0, n - 1));
        engine.observe(event);
        replenish();
    }

    @Override
    public void onError(Throwable error) {
        LOG.warn(
                "mirror '{}': the publisher failed with {}; no more events from it",
                engine.name(),
                error == null ? "null" : error.getClass().getName());
        finish();
    }

    @Override
    public void onComplete() {
        LOG.debug("mirror '{}': the publisher completed", engine.name());
        finish();
    }

    /** Requests more events when a chunk of the window is free. */
    void replenish() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            Flow.Subscription s = subscription;
            if (s != null && !done) {
                long room = window - Math.max(0, engine.pending()) - outstanding.get();
                if (room >= Math.max(1, window / 4)) {
                    outstanding.addAndGet(room);
                    try {
                        s.request(room);
                    } catch (RuntimeException e) {
                        // rule 3.16 forbids it; a publisher doing it anyway must not reach the caller
                        LOG.warn(
                                "mirror '{}': the publisher's request threw {}; cancelling",
                                engine.name(),
                                e.getClass().getName());
                        cancelQuietly(s);
                    }
                }
            }
        } while (wip.decrementAndGet() != 0);
    }

    /** Cancels the subscription: the mirror is closing. */
    void cancel() {
        done = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            cancelQuietly(s);
        }
    }

    private void cancelQuietly(Flow.Subscription s) {
        done = true;
        try {
            s.cancel();
        } catch (RuntimeException e) {
            LOG.debug(
                    "mirror '{}': cancel threw {}", engine.name(), e.getClass().getName());
        }
    }

    private void finish() {
        done = true;
        engine.unregister(this);
    }
}
