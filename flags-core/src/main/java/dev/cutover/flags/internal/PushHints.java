package dev.cutover.flags.internal;

import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.FlagStore;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's push subscription: turns "reload now" hints into refresh cycles on the refresher.
 *
 * <p><b>Concurrency design.</b> The subscription is made on the store pool, so neither
 * {@code build()} nor the first load waits for it. Hints arrive on any store thread; at most one
 * reload is queued at a time ({@link #pending}), so a burst of hints costs one cycle. The
 * subscription is published under {@link #lock}; {@link #close()} takes it from there, and a
 * subscription that completes after close sees {@link #closed} under the same lock and closes
 * itself, so none is ever leaked.
 *
 * <p><b>No gap.</b> Once {@code subscribe} returns, one reload covers any change made before the
 * subscription was in place; a store whose push source connects later hints once it is live (see
 * {@link FlagStore#subscribe}). A change made any time after {@code build()} returns is therefore
 * served within push latency, not at the next poll.
 */
final class PushHints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushHints.class);

    private final FlagStore store;
    private final StoreCaller caller;
    private final ScheduledExecutorService refresher;
    private final Runnable reload;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Object lock = new Object();
    private Subscription subscription = Subscription.NONE;
    private volatile boolean closed;

    /** Hints run {@code reload} on {@code refresher}; the subscription is made on {@code caller}'s pool. */
    PushHints(FlagStore store, StoreCaller caller, ScheduledExecutorService refresher, Runnable reload) {
        this.store = store;
        this.caller = caller;
        this.refresher = refresher;
        this.reload = reload;
    }

    /** Subscribes in the background; logs when that takes longer than {@code timeLimit}. */
    void start(Duration timeLimit) {
        Future<?> subscribing;
        try {
            subscribing = caller.submit(() -> {
                subscribeNow();
                return null;
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("Flag store {} push subscription could not start; polling only", store.describe());
            return;
        }
        try {
            refresher.schedule(
                    () -> {
                        if (!subscribing.isDone() && !closed) {
                            LOG.warn(
                                    "Flag store {} push subscription took longer than {}; polling only until it completes",
                                    store.describe(),
                                    timeLimit);
                        }
                    },
                    timeLimit.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("client closed; no subscription check");
        }
    }

    /** Store pool: subscribes, publishes the subscription (or closes it if closed meanwhile), reloads. */
    private void subscribeNow() {
        Subscription s;
        try {
            s = store.subscribe(this::hint);
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("Flag store {} push subscription failed; polling only", store.describe(), e);
            }
            return;
        }
        boolean keep;
        synchronized (lock) {
            keep = !closed;
            if (keep) {
                subscription = s;
            }
        }
        if (!keep) {
            s.close();
            return;
        }
        hint(); // a change made before the subscription was in place sent no hint: look once now
    }

    /** Queues one reload on the refresher unless one is queued already. Any thread. */
    void hint() {
        if (closed || !pending.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                pending.set(false);
                reload.run();
            });
        } catch (RejectedExecutionException e) {
            pending.set(false);
        }
    }

    /** Closes the subscription, or makes one still being made close itself. */
    @Override
    public void close() {
        Subscription s;
        synchronized (lock) {
            closed = true;
            s = subscription;
            subscription = Subscription.NONE;
        }
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.debug("closing the push subscription", e);
        }
    }
}
