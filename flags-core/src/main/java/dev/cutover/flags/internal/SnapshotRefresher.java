package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.ErrorCode;
import dev.cutover.flags.FlagChangeEvent;
import dev.cutover.flags.StalenessPolicy;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.DaemonThreads;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.StoreSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the client's snapshot current: polls the store's head revision, loads and validates when it
 * moved or a push hint arrives, installs the result, and writes the backup file. Owns every thread
 * of the client and the staleness policy.
 *
 * <p><b>Concurrency design.</b> Evaluations read {@link #serving()} (one volatile field) on any
 * thread and never lock. Exactly one thread, the refresher, runs refresh cycles and builds
 * snapshots; every install goes through {@link #install} under {@link #writeLock}, which also
 * guards the one other writer (the startup fallback to the backup file), the staleness switch and
 * the {@code effectiveAt} timer. An install never replaces store data with an older store
 * revision, so the revision a reader sees never goes backwards. Store calls run on a separate pool
 * under a time limit, retries and a circuit breaker ({@link StoreCaller}); change events are
 * delivered on a third thread ({@link ChangeListeners}). {@link #close()} stops all three.
 */
final class SnapshotRefresher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRefresher.class);
    private static final Duration MIN_FAILURE_DELAY = Duration.ofMillis(500);

    private final ClientConfig config;
    private final FlagStore store;
    private final Clock clock;
    private final RefreshStats stats = new RefreshStats();
    private final SnapshotAssembler assembler;
    private final ChangeListeners listeners;
    private final ScheduledThreadPoolExecutor refresher;
    private final ExecutorService notifier;
    private final StoreCaller caller;
    private final @Nullable SnapshotBackup backup;
    private final StoreHealth health;
    private final PushHints push;
    private final EffectiveAtSchedule effective;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final Object writeLock = new Object();
    private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();
    private final StatusListeners statusListeners = new StatusListeners();

    /** What evaluations read: one immutable snapshot. */
    private volatile Snapshot snapshot;
    /** The last snapshot with data, kept while defaults are served for staleness. */
    private volatile Snapshot lastGood;

    private volatile boolean starting = true;
    private volatile boolean closed;

    SnapshotRefresher(ClientConfig config, EvaluationCounters counters, ChangeListeners listeners) {
        this.config = config;
        this.store = config.store();
        this.clock = config.clock();
        this.listeners = listeners;
        this.assembler = new SnapshotAssembler(counters, stats.rejectedFlags);
        Snapshot none = Snapshot.noData(ErrorCode.CLIENT_NOT_READY, clock.instant(), 0);
        this.snapshot = none;
        this.lastGood = none;
        this.refresher = new ScheduledThreadPoolExecutor(1, DaemonThreads.numbered("cutover-flags-refresh"));
        this.refresher.setRemoveOnCancelPolicy(true);
        this.notifier = Executors.newSingleThreadExecutor(DaemonThreads.numbered("cutover-flags-events"));
        this.caller = new StoreCaller("cutover-flags-" + store.describe(), config);
        Path backupFile = config.backupFile();
        this.backup = backupFile == null ? null : new SnapshotBackup(backupFile, clock);
        this.health = new StoreHealth(config);
        this.push = new PushHints(store, caller, refresher, this::refreshOnce);
        this.effective = new EffectiveAtSchedule(clock, refresher, this::fireDueEffectiveChanges);
    }

    /** The snapshot evaluations read now. */
    Snapshot serving() {
        return snapshot;
    }

    RefreshStats stats() {
        return stats;
    }

    /** Starts: first load within the startup bound, else the backup file, else defaults. */
    void start() {
        if (backup != null) {
            backup.readSeed(assembler, lastGood);
        }
        // push first: the subscription reloads once it is live, so a change made at any moment after
        // build() returns is served within push latency, never left for the next poll
        push.start(config.storeTimeout());
        refresher.execute(this::pollTick);
        boolean attempted;
        try {
            attempted = firstAttempt.await(config.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempted = false;
        }
        if (!lastGood.hasData()) {
            String error = health.lastError();
            LOG.warn(
                    "Flag store {} gave no data {}{}; trying the backup file",
                    store.describe(),
                    attempted ? "on the first attempt" : "within " + config.startupTimeout(),
                    error == null ? "" : " (" + error + ")");
            loadBackup();
        }
        starting = false;
        ClientStatus s = status();
        LOG.info("Flag client started: state {}, source {}, revision {}", s.state(), s.source(), s.revision());
    }

    private void loadBackup() {
        Snapshot seed = backup == null ? null : backup.seed();
        if (backup == null || seed == null) {
            return;
        }
        synchronized (writeLock) {
            if (lastGood.hasData()) {
                return; // the store answered meanwhile
            }
            install(seed, List.of());
            LOG.warn(
                    "Serving {} flags at revision {} from backup {} written {}",
                    seed.flags().size(),
                    seed.revision(),
                    backup.path(),
                    seed.dataTime());
        }
    }

    private void pollTick() {
        try {
            refreshOnce();
        } finally {
            firstAttempt.countDown();
            if (!closed) {
                try {
                    refresher.schedule(this::pollTick, nextDelayMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    LOG.debug("client closed; polling stops");
                }
            }
        }
    }

    private long nextDelayMillis() {
        long base = config.pollInterval().toMillis();
        int failures = health.consecutiveFailures();
        if (failures > 0) {
            long backoff = MIN_FAILURE_DELAY.toMillis() << Math.min(failures - 1, 16);
            base = Math.min(base, backoff);
        }
        double spread = config.pollJitter() * base;
        return Math.max(
                1, Math.round(base - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread));
    }

    /** One refresh cycle on the refresher thread, waited for; see {@code FlagClient.refreshNow()}. */
    boolean refreshNow() {
        if (closed) {
            return false;
        }
        try {
            refresher.submit(this::refreshOnce).get(1, TimeUnit.MINUTES);
            return health.consecutiveFailures() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("refreshNow did not complete: {}", e.toString());
        }
        return false;
    }

    /** One cycle: head check, load when the revision moved, validate, install. Refresher thread only. */
    private void refreshOnce() {
        if (closed) {
            return;
        }
        long started = System.nanoTime();
        // the data is as fresh as the moment the cycle asked for it: a cycle that ends after the clock
        // moved on (a slow store, a busy machine) must not make the snapshot look younger than it is
        Instant asked = clock.instant();
        try {
            Snapshot current = lastGood;
            boolean haveStoreData = current.hasData() && current.source() == ClientStatus.Source.STORE;
            if (haveStoreData && isBehind(caller.call(store::headRevision), current, "head-back-")) {
                health.succeeded(asked);
                return;
            }
            StoreSnapshot loaded = caller.call(store::load);
            stats.loads.increment();
            if (haveStoreData && isBehind(loaded.revision(), current, "load-back-")) {
                health.succeeded(asked);
                return;
            }
            Instant now = asked;
            SnapshotAssembler.Result r;
            synchronized (writeLock) {
                r = assembler.assemble(
                        loaded.revision(),
                        loaded.flags(),
                        lastGood,
                        !lastGood.hasData() || lastGood.source() != ClientStatus.Source.STORE
                                ? (backup == null ? Map.of() : backup.seedFlags())
                                : Map.of(),
                        ClientStatus.Source.STORE,
                        now,
                        now.toEpochMilli());
                install(r.snapshot(), r.changes());
                // under the same lock as the install: status() never pairs new data with an old failure,
                // nor READY with the snapshot that was served before this load
                health.succeeded(asked);
            }
            if (backup != null) {
                backup.write(r.snapshot(), closed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (closed) {
                LOG.debug("Refresh ended by close: {}", e.toString());
            } else {
                stats.refreshErrors.increment();
                health.failed(e, lastGood.hasData());
            }
        } finally {
            stats.refreshes.increment();
            stats.refreshNanos.add(System.nanoTime() - started);
            applyStalenessPolicy();
            statusListeners.tell(this::status);
        }
    }

    /** Whether the store's {@code revision} is not ahead of {@code current}; warns once if behind. */
    private boolean isBehind(long revision, Snapshot current, String warnId) {
        if (revision < current.revision()) {
            warnOnce(
                    warnId + revision,
                    "Flag store {} reports revision {} below the served {}; keeping the newer snapshot",
                    store.describe(),
                    revision,
                    current.revision());
        }
        return revision <= current.revision();
    }

    /** Publishes a snapshot; caller holds {@link #writeLock}. */
    private void install(Snapshot next, List<FlagChangeEvent> changes) {
        Snapshot current = lastGood;
        if (current.hasData() && next.revision() < current.revision()) {
            if (current.source() == next.source()) {
                return; // never go back to an older revision of the same source
            }
            // the store is authoritative over a backup, even when it was reset to a lower revision
            LOG.warn(
                    "Flag store {} is at revision {}, below the backup's {}; serving the store",
                    store.describe(),
                    next.revision(),
                    current.revision());
        }
        lastGood = next;
        snapshot = next;
        listeners.dispatch(changes, notifier);
        effective.reschedule(next, closed);
    }

    private void applyStalenessPolicy() {
        Duration max = config.maxStaleness();
        if (max == null || config.stalenessPolicy() != StalenessPolicy.SERVE_DEFAULTS) {
            return;
        }
        synchronized (writeLock) {
            Snapshot good = lastGood;
            if (!good.hasData()) {
                return;
            }
            boolean tooOld = health.age(good).compareTo(max) > 0;
            if (tooOld && snapshot == good) {
                LOG.warn("Flag snapshot is older than {}; serving code defaults until the store answers", max);
                snapshot = Snapshot.noData(ErrorCode.STALE, clock.instant(), good.revision());
            } else if (!tooOld && snapshot != good) {
                LOG.info("Flag store answered again; serving revision {}", good.revision());
                snapshot = good;
            }
        }
    }

    /** Fires change events for scheduled definitions whose {@code effectiveAt} has passed. */
    void fireDueEffectiveChanges() {
        synchronized (writeLock) {
            Snapshot good = lastGood;
            listeners.dispatch(effective.takeDue(good), notifier);
            effective.reschedule(good, closed);
        }
    }

    // ---------------------------------------------------------------- status

    ClientStatus status() {
        synchronized (writeLock) {
            return health.status(snapshot, lastGood, closed, starting);
        }
    }

    /** Adds a listener told the status after every refresh cycle, on the refresher thread. */
    Subscription onStatus(Consumer<ClientStatus> listener) {
        return statusListeners.add(listener);
    }

    private void warnOnce(String id, String message, Object... args) {
        if (loggedFailures.add(id)) {
            LOG.warn(message, args);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        push.close();
        refresher.shutdownNow();
        caller.close();
        notifier.shutdown();
        try {
            refresher.awaitTermination(5, TimeUnit.SECONDS);
            if (!notifier.awaitTermination(5, TimeUnit.SECONDS)) {
                notifier.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notifier.shutdownNow();
        }
    }
}
