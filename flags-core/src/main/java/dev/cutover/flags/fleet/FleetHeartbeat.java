package dev.cutover.flags.fleet;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.DaemonThreads;
import dev.cutover.flags.spi.HeartbeatStore;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes where this instance stands to a {@link HeartbeatStore}: the flag revision its client
 * applied, the stage each of its proxies serves, and its client's status. Off unless started.
 *
 * <pre>{@code
 * FleetHeartbeat heartbeat = FleetHeartbeat.builder(flags, store, "orders-service")
 *     .interval(Duration.ofSeconds(30))
 *     .stages(() -> Map.of("orders", DualWrite.control(orders).stage(null).name()))
 *     .start();
 * ...
 * heartbeat.close();   // removes this instance's heartbeat
 * }</pre>
 *
 * <p><b>Cost.</b> One write per {@code interval} while nothing changes. When the revision served,
 * a stage or the client's state changes, a heartbeat goes out at once, but never more than one per
 * {@link #MIN_SPACING} (or per interval, if shorter): an operator waiting for a flip sees it within
 * about a second of the instance applying it, and a burst of changes costs at most one write a
 * second. Writes run on this object's own daemon thread, never on the evaluation path nor on the
 * client's refresher; a slow or failing store delays only the next heartbeat. Failures are counted,
 * logged once per distinct message, and retried at the next interval.
 *
 * <p><b>Concurrency design.</b> One thread ({@code cutover-fleet-heartbeat}) owns every store call
 * and the last heartbeat sent. The client's status and change listeners only ask that thread for a
 * check (at most one queued at a time) and return at once, as their contract requires.
 *
 * @since 0.2.0
 */
public final class FleetHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetHeartbeat.class);

    /** The least time between two heartbeats sent for a change. */
    public static final Duration MIN_SPACING = Duration.ofSeconds(1);

    private final FlagClient client;
    private final HeartbeatStore store;
    private final String service;
    private final String instance;
    private final Duration interval;
    private final long spacingNanos;
    private final Supplier<Map<String, String>> stages;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor thread;
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Subscription statusSubscription;
    private final Subscription changeSubscription;
    private volatile @Nullable String lastError;
    private volatile boolean closed;

    // owned by the heartbeat thread
    private @Nullable Heartbeat last;
    private long lastSentNanos;
    private boolean deferredCheck;
    private @Nullable String lastLogged;

    private FleetHeartbeat(Builder b) {
        this.client = b.client;
        this.store = b.store;
        this.service = b.service;
        this.instance = b.instance == null ? defaultInstance() : b.instance;
        this.interval = b.interval;
        this.spacingNanos = Math.min(MIN_SPACING.toNanos(), interval.toNanos());
        this.stages = b.stages;
        this.clock = b.clock;
        this.thread = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("cutover-fleet-heartbeat"));
        this.thread.setRemoveOnCancelPolicy(true);
        this.thread.execute(this::removeExpired);
        this.thread.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        this.statusSubscription = client.onStatus(status -> requestCheck());
        this.changeSubscription = client.onAnyChange(event -> requestCheck());
    }

    /** Starts configuring a heartbeat for {@code service}, reporting {@code client}'s state to {@code store}. */
    public static Builder builder(FlagClient client, HeartbeatStore store, String service) {
        return new Builder(client, store, service);
    }

    /**
     * The instance id used when none is given: the host name and process id, with every character
     * outside {@link Heartbeat#NAME_PATTERN} replaced by {@code -}, at most 128 characters.
     */
    public static String defaultInstance() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception | Error e) {
            host = "host";
        }
        String raw = host + "-" + ProcessHandle.current().pid();
        String clean = raw.replaceAll("[^A-Za-z0-9._-]", "-");
        if (clean.length() > 128) {
            clean = clean.substring(clean.length() - 128);
        }
        return clean; // never empty: it ends with "-" and the process id
    }

    /** This instance's id. */
    public String instance() {
        return instance;
    }

    /** The service this instance reports for. */
    public String service() {
        return service;
    }

    /** Heartbeats written since start. */
    public long sent() {
        return sent.get();
    }

    /** Heartbeat writes that failed since start. */
    public long failures() {
        return failures.get();
    }

    /** The last write failure's message, or null when the last write succeeded. */
    public @Nullable String lastError() {
        return lastError;
    }

    /** The last heartbeat written, or null before the first. */
    public @Nullable Heartbeat lastSent() {
        return thread.isShutdown() ? last : callOnThread(() -> last);
    }

    private void requestCheck() {
        if (!closed && checkQueued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    checkQueued.set(false);
                    check(false);
                });
            } catch (RuntimeException rejected) {
                checkQueued.set(false);
            }
        }
    }

    private void tick() {
        check(true);
    }

    /** Sends a heartbeat if due: on {@code periodic} ticks, or when what it reports changed. */
    private void check(boolean periodic) {
        if (closed) {
            return;
        }
        Heartbeat now;
        try {
            now = current();
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        long sinceLast = System.nanoTime() - lastSentNanos;
        boolean changed = last == null || !sameState(last, now);
        if (!periodic && !changed) {
            return;
        }
        if (!periodic && last != null && sinceLast < spacingNanos) {
            if (!deferredCheck) {
                deferredCheck = true;
                thread.schedule(
                        () -> {
                            deferredCheck = false;
                            check(false);
                        },
                        spacingNanos - sinceLast,
                        TimeUnit.NANOSECONDS);
            }
            return;
        }
        send(now);
    }

    private Heartbeat current() {
        ClientStatus status = client.status();
        Map<String, String> reported = stages.get();
        return new Heartbeat(
                service,
                instance,
                status.revision(),
                reported == null ? Map.of() : reported,
                status.state(),
                status.source(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), // what every store keeps
                interval);
    }

    private static boolean sameState(Heartbeat a, Heartbeat b) {
        return a.revision() == b.revision()
                && a.state() == b.state()
                && a.source() == b.source()
                && a.stages().equals(b.stages());
    }

    private void send(Heartbeat beat) {
        try {
            store.putHeartbeat(beat);
            last = beat;
            lastSentNanos = System.nanoTime();
            sent.incrementAndGet();
            lastError = null;
            lastLogged = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(e);
        }
    }

    private void fail(Exception e) {
        failures.incrementAndGet();
        String message = e.toString();
        lastError = message;
        if (!message.equals(lastLogged)) {
            lastLogged = message;
            LOG.warn("Heartbeat of {}/{} not written; retrying every {}: {}", service, instance, interval, message);
        }
    }

    private void removeExpired() {
        try {
            int removed = store.removeExpiredHeartbeats(clock.instant());
            if (removed > 0) {
                LOG.info("Removed {} expired heartbeats", removed);
            }
        } catch (Exception e) {
            LOG.debug("Expired heartbeats not removed: {}", e.toString());
        }
    }

    private <T> @Nullable T callOnThread(java.util.concurrent.Callable<T> body) {
        try {
            return thread.submit(body).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Stops heartbeats and removes this instance's heartbeat from the store, waiting at most 5 s for
     * the store; an instance whose removal failed shows as missed until its heartbeat expires.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        statusSubscription.close();
        changeSubscription.close();
        thread.getQueue().clear();
        try {
            thread.submit(() -> {
                        store.removeHeartbeat(service, instance);
                        return null;
                    })
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Heartbeat of {}/{} not removed on close: {}", service, instance, e.toString());
        } finally {
            thread.shutdownNow();
        }
    }

    /**
     * Configures a {@link FleetHeartbeat}; each setting is checked when set.
     *
     * @since 0.2.0
     */
    public static final class Builder {
        private final FlagClient client;
        private final HeartbeatStore store;
        private final String service;
        private @Nullable String instance;
        private Duration interval = Duration.ofSeconds(30);
        private Supplier<Map<String, String>> stages = Map::of;
        private Clock clock = Clock.systemUTC();

        private Builder(FlagClient client, HeartbeatStore store, String service) {
            this.client = Objects.requireNonNull(client, "client");
            this.store = Objects.requireNonNull(store, "store");
            this.service = Heartbeat.checkName("service", service);
        }

        /** This instance's id, unique within the service; default {@link #defaultInstance()}. */
        public Builder instance(String instance) {
            this.instance = Heartbeat.checkName("instance", instance);
            return this;
        }

        /** How often a heartbeat is written while nothing changes; default 30 s, as the poll interval. */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("heartbeat interval must be at least 1 ms but was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * The stage each proxy serves now, called on the heartbeat thread before each check; an
         * exception it throws is counted as a failed heartbeat.
         */
        public Builder stages(Supplier<Map<String, String>> stages) {
            this.stages = Objects.requireNonNull(stages, "stages");
            return this;
        }

        /** The clock for {@link Heartbeat#sentAt()}; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts publishing: a first heartbeat at once, then as described in the class comment. */
        public FleetHeartbeat start() {
            return new FleetHeartbeat(this);
        }
    }
}
