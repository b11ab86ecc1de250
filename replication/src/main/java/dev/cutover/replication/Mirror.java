package dev.cutover.replication;

import dev.cutover.replication.internal.ListenerTap;
import dev.cutover.replication.internal.mirror.MirrorAccess;
import dev.cutover.replication.internal.mirror.MirrorEngine;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The observer hook: mirrors the application's existing event stream into the new store through
 * the versioned apply, without changing the application's code. Attach it by wrapping a listener
 * (a {@link Consumer} or a listener interface of the application's own: {@link #tap}), by subscribing to a {@link Flow.Publisher} ({@link #subscribeTo}), or by calling
 * {@link #observe} where events are handled.
 *
 * <pre>{@code
 * Mirror<OrderEvent> mirror = Mirror.to(newStore)
 *     .mapping((OrderEvent e) -> List.of(e.deleted()
 *         ? Change.delete(e.orderId(), e.sequence())
 *         : Change.upsert(e.orderId(), e.sequence(), mapper.valueToTree(e.order()))))
 *     .gate(flags, "orders.mirror")       // on and off at runtime
 *     .journal(failedWrites)              // every change not applied, by key, for the repair
 *     .build();
 * eventBus.register(mirror.tap(existingListener::onEvent));   // the listener runs exactly as before
 * ...
 * mirror.close(Duration.ofSeconds(30));
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 *
 * <ul>
 *   <li>The application is never slowed beyond {@link MirrorBuilder#maxBlock} per change and
 *       never sees an exception of the mirror: a tapped listener's own exceptions propagate
 *       exactly as before, the mirror's never.
 *   <li>Every change is applied, or recorded with its key (listener, journal, log, counters):
 *       dropped when the queue stayed full, failed after every retry, left at close. None is lost
 *       silently. A repair starts from the journal's keys.
 *   <li>Nothing assumes per-key ordering: changes go through the versioned apply, so the queue
 *       and the workers may reorder and repeat them; the target converges on the newest version
 *       of every key.
 * </ul>
 *
 * <h2>Versions</h2>
 *
 * The mapping gives each change its version. Use the event's own sequence number (a stream's
 * sequence, a row version) when it has one: it orders writes exactly as the old store made them.
 * Where the old store keeps none, stamp one in the mapping with a {@link HybridLogicalClock}: the
 * mapping runs on the observing thread right after the application handled the event (a tap calls
 * the original listener first), so stamps order the writes of a key as the application made them
 * as long as one thread handles a key at a time; the clock's caveats about several processes
 * apply. Use the same clock domain for the backfill, so a row read after an event is newer.
 *
 * <h2>The gate</h2>
 *
 * With {@link MirrorBuilder#gate} a boolean flag decides per event: while it is off, events are
 * not mapped nor queued, only counted as skipped. Turning it on later leaves a gap that the
 * backfill (or a reconciliation and repair) covers: run it after the flag is on.
 *
 * @param <E> the application's event type
 * @since 0.1.0
 */
public final class Mirror<E> implements AutoCloseable {
    /** How long {@link #close()} lets the workers drain. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final MirrorEngine<E> engine;

    Mirror(MirrorEngine<E> engine) {
        this.engine = engine;
    }

    /** Starts configuring a mirror into {@code target}. */
    public static Setup to(VersionedTarget target) {
        return new Setup(Objects.requireNonNull(target, "target"));
    }

    /**
     * The first step of configuring a mirror: how an event becomes changes.
     *
     * @since 0.1.0
     */
    public static final class Setup {
        private final VersionedTarget target;

        private Setup(VersionedTarget target) {
            this.target = target;
        }

        /** Each event becomes any number of changes (none: the event is not mirrored). */
        public <E> MirrorBuilder<E> mapping(Function<? super E, List<Change>> mapping) {
            return new MirrorBuilder<>(target, Objects.requireNonNull(mapping, "mapping"));
        }

        /** Each event becomes at most one change. */
        public <E> MirrorBuilder<E> mappingOne(Function<? super E, Optional<Change>> mapping) {
            Objects.requireNonNull(mapping, "mapping");
            return new MirrorBuilder<>(
                    target, (E event) -> mapping.apply(event).map(List::of).orElse(List.of()));
        }
    }

    /**
     * Mirrors one event: gate, mapping, queue. Returns once the changes are queued (waiting up to
     * {@code maxBlock} each for room) or recorded as dropped. Never throws.
     */
    public void observe(E event) {
        engine.observe(event);
    }

    /**
     * Wraps a listener: the returned consumer calls {@code original} first, exactly as before (its
     * exceptions propagate unchanged, and an event it threw on is not mirrored), then mirrors the
     * event.
     */
    public Consumer<E> tap(Consumer<? super E> original) {
        Objects.requireNonNull(original, "original");
        return event -> {
            original.accept(event);
            engine.observe(event);
        };
    }

    /**
     * Wraps a listener of any interface the application already registers (an event bus's {@code
     * OrderListener} with several methods, say): the returned listener implements {@code
     * listenerType} and forwards every call to {@code original} first, exactly as before (its return
     * value and exceptions unchanged; a call it threw on is not mirrored), then mirrors each argument
     * of that call that is an instance of {@code eventType}. Calls without such an argument, and
     * {@code equals}, {@code hashCode} and {@code toString}, are only forwarded.
     *
     * <pre>{@code
     * OrderListener listener = mirror.tap(OrderListener.class, existingListener, OrderEvent.class);
     * eventBus.register(listener);
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code listenerType} is not an interface
     */
    public <L> L tap(Class<L> listenerType, L original, Class<? extends E> eventType) {
        Objects.requireNonNull(listenerType, "listenerType");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(eventType, "eventType");
        if (!listenerType.isInterface()) {
            throw new IllegalArgumentException(
                    "listenerType must be an interface but was the class " + listenerType.getName());
        }
        return ListenerTap.wrap(listenerType, original, eventType, engine::observe);
    }

    /**
     * A new subscriber that mirrors what it receives, with demand-based backpressure: it requests
     * only as many events as the mirror has room for. Closing the mirror cancels it.
     */
    public Flow.Subscriber<E> subscriber() {
        return engine.subscriber();
    }

    /** Subscribes a new {@link #subscriber()} to {@code publisher}. */
    public void subscribeTo(Flow.Publisher<? extends E> publisher) {
        Objects.requireNonNull(publisher, "publisher").subscribe(subscriber());
    }

    /** Whether the gate lets events through now. */
    public boolean enabled() {
        return engine.gateOpen();
    }

    /** What the mirror has done so far. */
    public MirrorCounts counts() {
        return engine.counts();
    }

    /**
     * Waits until every change this mirror queued has been settled (applied or recorded) and the
     * queue is empty; for tests, and for a migration step that must not start before the mirror
     * caught up. With a queue shared by several processes, only this process's changes are known.
     *
     * @return true when quiet; false when {@code timeout} passed first or the thread was interrupted
     */
    public boolean awaitQuiet(Duration timeout) {
        return engine.awaitQuiet(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Stops mirroring: new events are recorded as dropped ({@code CLOSED}), subscriptions are
     * cancelled, the workers apply what is queued until {@code timeout}, then stop. Changes still in
     * an in-process queue are recorded as failed ({@code CLOSED}); an external queue keeps them.
     * Idempotent.
     *
     * @return true when everything was applied or recorded within {@code timeout}
     */
    public boolean close(Duration timeout) {
        return engine.close(Objects.requireNonNull(timeout, "timeout"));
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /** The name given to the builder: thread names, logs, metrics tags, journal entries. */
    public String name() {
        return engine.name();
    }

    static {
        MirrorAccess.register(mirror -> mirror.engine);
    }

    @Override
    public String toString() {
        return "Mirror[" + engine.name() + ", " + counts() + "]";
    }
}
