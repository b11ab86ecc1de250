package dev.cutover.flags.fleet;

import dev.cutover.flags.spi.HeartbeatStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The operator's view of the fleet: every instance that reported a {@link Heartbeat}, whether it is
 * live or missed its heartbeats, and a wait until every live instance holds a flag revision.
 *
 * <pre>{@code
 * FleetView fleet = FleetView.of(store);
 * for (FleetView.Instance i : fleet.instances()) { ... i.live() ... i.heartbeat().revision() ... }
 * FleetView.Wait wait = fleet.awaitRevision(store.headRevision(), null, null, Duration.ofMinutes(2));
 * if (!wait.reached()) { ... wait.laggards() ... }
 * }</pre>
 *
 * <p><b>Live or missed:</b> an instance is live while its last heartbeat is at most {@link
 * #missedAfter(int)} intervals old (3 by default), by this view's clock against the instance's; the
 * clocks of the fleet are assumed to agree within a fraction of the interval. A missed instance is
 * still listed until its heartbeat expires ({@link Heartbeat#expiresAt()}), so one that died shows
 * up; one that shut down cleanly removed its heartbeat and is gone at once.
 *
 * <p>Immutable and thread-safe; each call reads the store.
 *
 * @since 0.2.0
 */
public final class FleetView {
    private static final Comparator<Instance> ORDER = Comparator.comparing(
                    (Instance i) -> i.heartbeat().service())
            .thenComparing(i -> i.heartbeat().instance());

    private final HeartbeatStore store;
    private final Clock clock;
    private final int missedAfter;

    private FleetView(HeartbeatStore store, Clock clock, int missedAfter) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.missedAfter = missedAfter;
    }

    /** A view of the heartbeats in {@code store}, on the system UTC clock. */
    public static FleetView of(HeartbeatStore store) {
        return new FleetView(store, Clock.systemUTC(), 3);
    }

    /** The same view judging liveness by {@code clock}. */
    public FleetView clock(Clock clock) {
        return new FleetView(store, clock, missedAfter);
    }

    /**
     * The same view counting an instance as missed once its last heartbeat is older than {@code
     * intervals} of its own intervals; at least 2.
     */
    public FleetView missedAfter(int intervals) {
        if (intervals < 2) {
            throw new IllegalArgumentException("missedAfter must be >= 2 intervals but was " + intervals);
        }
        return new FleetView(store, clock, intervals);
    }

    /** Every instance with a heartbeat not yet expired, by service then instance. */
    public List<Instance> instances() throws Exception {
        return instances(null);
    }

    /** The instances of {@code service} (every service when null), by service then instance. */
    public List<Instance> instances(@Nullable String service) throws Exception {
        if (service != null) {
            Heartbeat.checkName("service", service);
        }
        Instant now = clock.instant();
        List<Instance> out = new ArrayList<>();
        for (Heartbeat h : store.heartbeats(now)) {
            if (service == null || service.equals(h.service())) {
                Duration age = Duration.between(h.sentAt(), now);
                boolean live = age.compareTo(h.interval().multipliedBy(missedAfter)) <= 0;
                out.add(new Instance(h, live, age.isNegative() ? Duration.ZERO : age));
            }
        }
        out.sort(ORDER);
        return out;
    }

    /**
     * Reads the fleet every {@code every} until every live instance (of {@code service}, or of
     * every service when null) reports {@code revision} or a later one and, when {@code effectiveAt}
     * is given, that instant has passed; or until {@code timeout}. With no live instance at all the
     * wait is not reached: an empty fleet more likely means a wrong service name or heartbeats
     * switched off than a fleet that holds the flip.
     *
     * @throws Exception when the store fails on every read until the timeout (the last error)
     */
    public Wait awaitRevision(
            long revision, @Nullable Instant effectiveAt, @Nullable String service, Duration timeout, Duration every)
            throws Exception {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative but was " + timeout);
        }
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("poll period must be positive but was " + every);
        }
        long start = System.nanoTime();
        long end = start + timeout.toNanos();
        Exception lastError = null;
        Wait last = null;
        while (true) {
            try {
                last = judge(instances(service), revision, effectiveAt, Duration.ofNanos(System.nanoTime() - start));
                lastError = null;
                if (last.reached()) {
                    return last;
                }
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                lastError = e;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                if (last == null && lastError != null) {
                    throw lastError;
                }
                return last == null ? judge(List.of(), revision, effectiveAt, timeout) : last;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, every.toNanos()));
        }
    }

    /** {@link #awaitRevision(long, Instant, String, Duration, Duration)} reading every 500 ms. */
    public Wait awaitRevision(long revision, @Nullable Instant effectiveAt, @Nullable String service, Duration timeout)
            throws Exception {
        return awaitRevision(revision, effectiveAt, service, timeout, Duration.ofMillis(500));
    }

    private Wait judge(List<Instance> all, long revision, @Nullable Instant effectiveAt, Duration waited) {
        List<Instance> holding = new ArrayList<>();
        List<Instance> laggards = new ArrayList<>();
        List<Instance> missed = new ArrayList<>();
        for (Instance i : all) {
            if (!i.live()) {
                missed.add(i);
            } else if (i.holds(revision)) {
                holding.add(i);
            } else {
                laggards.add(i);
            }
        }
        boolean due = effectiveAt == null || !clock.instant().isBefore(effectiveAt);
        boolean reached = !holding.isEmpty() && laggards.isEmpty() && due;
        return new Wait(reached, revision, effectiveAt, holding, laggards, missed, waited);
    }

    /**
     * One instance as the view saw it.
     *
     * @param heartbeat its last heartbeat
     * @param live whether that heartbeat is recent enough (see the class comment)
     * @param age how old that heartbeat was when read
     * @since 0.2.0
     */
    public record Instance(Heartbeat heartbeat, boolean live, Duration age) {
        /** Whether the instance serves {@code revision} or a later one. */
        public boolean holds(long revision) {
            return heartbeat.revision() >= revision;
        }
    }

    /**
     * How a wait for a revision ended.
     *
     * @param reached every live instance holds the revision (at least one is live) and the
     *     {@code effectiveAt} instant, if any, has passed
     * @param revision the revision waited for
     * @param effectiveAt the instant waited for, or null
     * @param holding live instances that hold the revision
     * @param laggards live instances that do not hold it yet
     * @param missed instances that missed their heartbeats (not waited for; an operator should look)
     * @param waited how long the wait took
     * @since 0.2.0
     */
    public record Wait(
            boolean reached,
            long revision,
            @Nullable Instant effectiveAt,
            List<Instance> holding,
            List<Instance> laggards,
            List<Instance> missed,
            Duration waited) {

        /** Copies the lists. */
        public Wait {
            holding = List.copyOf(holding);
            laggards = List.copyOf(laggards);
            missed = List.copyOf(missed);
        }
    }
}
