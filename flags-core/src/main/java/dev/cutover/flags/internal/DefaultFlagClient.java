package dev.cutover.flags.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.ErrorCode;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.FlagChangeEvent;
import dev.cutover.flags.FlagChangeListener;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.FlagsState;
import dev.cutover.flags.Reason;
import dev.cutover.flags.StalenessPolicy;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.StoreSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FlagClient} implementation.
 *
 * <p><b>Concurrency design.</b> Readers (evaluations, on any thread) read the volatile
 * {@link #snapshot} once per call and evaluate against that immutable object only, so they need no
 * lock, never block, and cannot see two revisions mixed. Exactly one thread, the refresher, builds
 * new snapshots; installs go through {@link #install} under {@link #writeLock}, which also guards
 * the one other writer (the startup fallback to the backup file). An install never replaces store
 * data with an older store revision, so the revision a reader sees never goes backwards. Store calls
 * run on a separate pool under a time limit, retries and a circuit breaker ({@link StoreCaller});
 * change events are delivered on a third thread ({@link ChangeListeners}). {@link #close()} stops
 * all three.
 *
 * <p><b>Push without a gap.</b> The push subscription is made on the store pool as the client
 * starts, in parallel with the first load, and the refresher reloads once it is in place; stores
 * whose push source goes live later hint once it is. A change made any time after {@code build()}
 * returns therefore either happened before that reload (and is read by it) or after the push
 * source was live (and is hinted), so it waits for push latency, not for the next poll.
 */
public final class DefaultFlagClient implements FlagClient {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultFlagClient.class);
  private static final Duration MIN_FAILURE_DELAY = Duration.ofMillis(500);

  private final ClientConfig config;
  private final FlagStore store;
  private final Clock clock;
  private final EvaluationCounters counters = new EvaluationCounters();
  private final RefreshStats stats = new RefreshStats();
  private final SnapshotAssembler assembler;
  private final ChangeListeners listeners = new ChangeListeners();
  private final ScheduledThreadPoolExecutor refresher;
  private final ExecutorService notifier;
  private final StoreCaller caller;
  private final @Nullable BackupFile backup;
  private final CountDownLatch firstAttempt = new CountDownLatch(1);
  private final AtomicBoolean hintPending = new AtomicBoolean();
  private final Object writeLock = new Object();
  private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();
  private final List<Runnable> refreshHooks = new CopyOnWriteArrayList<>();

  /** What evaluations read: one immutable snapshot. */
  private volatile Snapshot snapshot;
  /** The last snapshot with data, kept while defaults are served for staleness. */
  private volatile Snapshot lastGood;
  private volatile boolean starting = true;
  /** Evaluations are counted only once a metrics binder asks for it: unobserved counts cost ~5 ns. */
  private volatile boolean counting;
  private volatile boolean closed;
  private volatile @Nullable Instant lastSuccess;
  private volatile @Nullable String lastError;
  private volatile int consecutiveFailures;
  private long effectiveCursorMillis;
  private @Nullable ScheduledFuture<?> effectiveTask;
  /** The push subscription once the store returned it; guarded by {@link #pushLock}. */
  private Subscription push = Subscription.NONE;
  private final Object pushLock = new Object();
  /** The backup file's flags, compiled at start: served if the store is down, and the fallback
   * version of any flag the first store load rejects. */
  private volatile @Nullable Snapshot backupSeed;

  private DefaultFlagClient(ClientConfig config) {
    this.config = config;
    this.store = config.store();
    this.clock = config.clock();
    this.assembler = new SnapshotAssembler(counters, stats.rejectedFlags);
    Snapshot none = Snapshot.noData(ErrorCode.CLIENT_NOT_READY, clock.instant(), 0);
    this.snapshot = none;
    this.lastGood = none;
    this.refresher = new ScheduledThreadPoolExecutor(1, Threads.daemon("cutover-flags-refresh"));
    this.refresher.setRemoveOnCancelPolicy(true);
    this.notifier = Executors.newSingleThreadExecutor(Threads.daemon("cutover-flags-events"));
    this.caller = new StoreCaller("cutover-flags-" + store.describe(), config);
    this.backup = config.backupFile() == null ? null : new BackupFile(config.backupFile());
    this.effectiveCursorMillis = clock.millis();
  }

  /** Starts a client: first load within the startup bound, else backup file, else defaults. */
  public static DefaultFlagClient start(ClientConfig config) {
    DefaultFlagClient client = new DefaultFlagClient(config);
    client.begin();
    return client;
  }

  private void begin() {
    if (backup != null) {
      backup.read().ifPresent(c -> backupSeed = compileBackup(c));
    }
    // push first: the subscription reloads once it is live, so a change made at any moment after
    // build() returns is served within push latency, never left for the next poll
    subscribeInBackground();
    refresher.execute(this::pollTick);
    boolean attempted;
    try {
      attempted = firstAttempt.await(config.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      attempted = false;
    }
    if (!lastGood.hasData()) {
      String error = lastError;
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

  private Snapshot compileBackup(BackupFile.Content c) {
    return assembler
        .assemble(c.revision(), c.flags(), lastGood, ClientStatus.Source.BACKUP_FILE, c.savedAt(), clock.millis())
        .snapshot();
  }

  private void loadBackup() {
    Snapshot seed = backupSeed;
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
          seed.flags().size(), seed.revision(), backup.path(), seed.dataTime());
    }
  }

  /**
   * Subscribes to push hints on the store pool, without blocking {@code build()} or the first load.
   * Once {@code subscribe} returns, one reload covers any change made before the subscription was
   * in place; a store whose push source connects later sends its own hint once it is live (see
   * {@link FlagStore#subscribe}). A subscription still pending after the store time limit is
   * logged; polling covers until it completes.
   */
  private void subscribeInBackground() {
    java.util.concurrent.Future<?> pending;
    try {
      pending = caller.submit(() -> {
        subscribeNow();
        return null;
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.warn("Flag store {} push subscription could not start; polling only", store.describe());
      return;
    }
    try {
      refresher.schedule(
          () -> {
            if (!pending.isDone() && !closed) {
              LOG.warn("Flag store {} push subscription took longer than {}; polling only until it completes",
                  store.describe(), config.storeTimeout());
            }
          },
          config.storeTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("client closed; no subscription check");
    }
  }

  /** Store pool: subscribes, publishes the subscription (or closes it if the client closed meanwhile), reloads. */
  private void subscribeNow() {
    Subscription s;
    try {
      s = store.subscribe(this::onHint);
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("Flag store {} push subscription failed; polling only", store.describe(), e);
      }
      return;
    }
    boolean keep;
    synchronized (pushLock) {
      keep = !closed;
      if (keep) {
        push = s;
      }
    }
    if (!keep) {
      s.close();
      return;
    }
    onHint(); // a change made before the subscription was in place sent no hint: look once now
  }

  private void onHint() {
    if (closed || !hintPending.compareAndSet(false, true)) {
      return;
    }
    try {
      refresher.execute(
          () -> {
            hintPending.set(false);
            refreshOnce();
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      hintPending.set(false);
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
          LOG.debug("client closed; polling stops");
        }
      }
    }
  }

  private long nextDelayMillis() {
    long base = config.pollInterval().toMillis();
    if (consecutiveFailures > 0) {
      long backoff = MIN_FAILURE_DELAY.toMillis() << Math.min(consecutiveFailures - 1, 16);
      base = Math.min(base, backoff);
    }
    double spread = config.pollJitter() * base;
    return Math.max(1, Math.round(base - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread));
  }

  /**
   * Synchronously runs one refresh cycle on the refresher thread and waits for it: for tests and
   * tools that must see a store write at once. Never throws for store failures.
   *
   * @return true when the cycle ran and the store answered; false when the client is closed, the
   *     cycle did not finish within a minute, or the store failed (see {@link #status()})
   */
  public boolean refreshNow() {
    if (closed) {
      return false;
    }
    try {
      refresher.submit(this::refreshOnce).get(1, TimeUnit.MINUTES);
      return consecutiveFailures == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
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
    try {
      Snapshot current = lastGood;
      boolean haveStoreData = current.hasData() && current.source() == ClientStatus.Source.STORE;
      if (haveStoreData) {
        long head = caller.call(store::headRevision);
        if (head <= current.revision()) {
          if (head < current.revision()) {
            warnOnce("head-back-" + head,
                "Flag store {} reports revision {} below the served {}; keeping the newer snapshot",
                store.describe(), head, current.revision());
          }
          succeeded();
          return;
        }
      }
      StoreSnapshot loaded = caller.call(store::load);
      stats.loads.increment();
      if (haveStoreData && loaded.revision() <= current.revision()) {
        if (loaded.revision() < current.revision()) {
          warnOnce("load-back-" + loaded.revision(),
              "Flag store {} loaded revision {} below the served {}; keeping the newer snapshot",
              store.describe(), loaded.revision(), current.revision());
        }
        succeeded();
        return;
      }
      Instant now = clock.instant();
      SnapshotAssembler.Result r;
      synchronized (writeLock) {
        Snapshot seed = backupSeed;
        r = assembler.assemble(
            loaded.revision(),
            loaded.flags(),
            lastGood,
            !lastGood.hasData() || lastGood.source() != ClientStatus.Source.STORE
                ? (seed == null ? Map.of() : seed.flags())
                : Map.of(),
            ClientStatus.Source.STORE,
            now,
            now.toEpochMilli());
        install(r.snapshot(), r.changes());
        // under the same lock as the install: status() never pairs new data with an old failure,
        // nor READY with the snapshot that was served before this load
        succeeded();
      }
      writeBackup(r.snapshot());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failed(e);
    } finally {
      stats.refreshes.increment();
      stats.refreshNanos.add(System.nanoTime() - started);
      applyStalenessPolicy();
      for (Runnable hook : refreshHooks) {
        try {
          hook.run();
        } catch (RuntimeException e) {
          warnOnce("hook-" + hook.getClass().getName(), "After-refresh hook {} failed", hook, e);
        }
      }
    }
  }

  private void succeeded() {
    lastSuccess = clock.instant();
    if (consecutiveFailures > 0) {
      LOG.info("Flag store {} is reachable again", store.describe());
    }
    consecutiveFailures = 0;
    lastError = null;
  }

  private void failed(Exception e) {
    if (closed) {
      LOG.debug("Refresh ended by close: {}", e.toString());
      return;
    }
    stats.refreshErrors.increment();
    consecutiveFailures++;
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    // a store's own FlagStoreException says what to fix in its message; the class name adds nothing
    lastError = cause instanceof dev.cutover.flags.spi.FlagStoreException && cause.getMessage() != null
        ? cause.getMessage()
        : cause.toString();
    if (consecutiveFailures == 1) {
      LOG.warn("Flag store {} refresh failed; serving {}: {}", store.describe(),
          lastGood.hasData() ? "the last good snapshot" : "code defaults", lastError);
    } else {
      LOG.debug("Flag store {} refresh failed again ({} in a row): {}", store.describe(), consecutiveFailures, lastError);
    }
  }

  private void warnOnce(String id, String message, Object... args) {
    if (loggedFailures.add(id)) {
      LOG.warn(message, args);
    }
  }

  /** Publishes a snapshot; caller holds {@link #writeLock}. */
  private void install(Snapshot next, List<FlagChangeEvent> changes) {
    Snapshot current = lastGood;
    if (current.hasData() && next.revision() < current.revision()) {
      if (current.source() == next.source()) {
        return; // never go back to an older revision of the same source
      }
      // the store is authoritative over a backup, even when it was reset to a lower revision
      LOG.warn("Flag store {} is at revision {}, below the backup's {}; serving the store",
          store.describe(), next.revision(), current.revision());
    }
    lastGood = next;
    snapshot = next;
    listeners.dispatch(changes, notifier);
    scheduleEffectiveTick();
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
      boolean tooOld = age(good).compareTo(max) > 0;
      if (tooOld && snapshot == good) {
        LOG.warn("Flag snapshot is older than {}; serving code defaults until the store answers", max);
        snapshot = Snapshot.noData(ErrorCode.STALE, clock.instant(), good.revision());
      } else if (!tooOld && snapshot != good) {
        LOG.info("Flag store answered again; serving revision {}", good.revision());
        snapshot = good;
      }
    }
  }

  private void writeBackup(Snapshot s) {
    if (backup == null) {
      return;
    }
    try {
      backup.write(s, clock.instant());
    } catch (Exception e) {
      if (closed) {
        LOG.debug("Flag backup write interrupted by close; the previous backup stays intact", e);
      } else {
        warnOnce("backup-" + e.getClass().getName(), "Cannot write flag backup {}: {}", backup.path(), e.toString());
      }
    }
  }

  /** Schedules the next effectiveAt event after the cursor; caller holds {@link #writeLock}. */
  private void scheduleEffectiveTick() {
    if (effectiveTask != null) {
      effectiveTask.cancel(false);
      effectiveTask = null;
    }
    long next = lastGood.nextEffectiveAfter(effectiveCursorMillis);
    if (next != Long.MAX_VALUE && !closed) {
      try {
        effectiveTask =
            refresher.schedule(
                this::fireDueEffectiveChanges, Math.max(0, next - clock.millis()), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        LOG.debug("client closed; no effectiveAt events");
      }
    }
  }

  /**
   * Fires change events for scheduled definitions whose {@code effectiveAt} has passed since the
   * last call. Runs on its own schedule; public so tests with a fake clock can drive it.
   */
  public void fireDueEffectiveChanges() {
    synchronized (writeLock) {
      long now = clock.millis();
      Snapshot s = lastGood;
      List<FlagChangeEvent> due = new ArrayList<>();
      for (CompiledFlag f : s.flags().values()) {
        if (f.scheduled() && f.effectiveAtMillis > effectiveCursorMillis && f.effectiveAtMillis <= now) {
          long before = f.previous == null ? 0 : f.previous.version;
          due.add(new FlagChangeEvent(f.key, before, f.version, s.revision()));
        }
      }
      effectiveCursorMillis = Math.max(effectiveCursorMillis, now);
      listeners.dispatch(due, notifier);
      scheduleEffectiveTick();
    }
  }

  // ---------------------------------------------------------------- evaluation

  @Override
  public boolean booleanValue(String key, EvaluationContext context, boolean defaultValue) {
    Snapshot s = snapshot;
    CompiledFlag f = s.flags().get(key);
    if (f != null && f.type == VariantType.BOOLEAN && !f.scheduled() && context != null) {
      try {
        long packed = f.decide(context);
        if (counting) {
          f.count(packed);
        }
        return f.booleans[CompiledFlag.variantIndex(packed)];
      } catch (RuntimeException | StackOverflowError e) {
        return booleanDetail(key, context, defaultValue).value();
      }
    }
    if (f == null && key != null && s.hasData()) {
      if (counting) {
        counters.notFound(key);
      }
      return defaultValue;
    }
    return booleanDetail(key, context, defaultValue).value();
  }

  @Override
  public String stringValue(String key, EvaluationContext context, String defaultValue) {
    return stringDetail(key, context, defaultValue).value();
  }

  @Override
  public int intValue(String key, EvaluationContext context, int defaultValue) {
    return intDetail(key, context, defaultValue).value();
  }

  @Override
  public double doubleValue(String key, EvaluationContext context, double defaultValue) {
    return doubleDetail(key, context, defaultValue).value();
  }

  @Override
  public <T> T jsonValue(String key, EvaluationContext context, Class<T> type, T defaultValue) {
    return jsonDetail(key, context, type, defaultValue).value();
  }

  @Override
  public Evaluation<Boolean> booleanDetail(String key, EvaluationContext context, boolean defaultValue) {
    return evaluate(key, context, defaultValue, VariantType.BOOLEAN, (f, i) -> f.booleans[i]);
  }

  @Override
  public Evaluation<String> stringDetail(String key, EvaluationContext context, String defaultValue) {
    return evaluate(key, context, defaultValue, VariantType.STRING, (f, i) -> f.strings[i]);
  }

  @Override
  public Evaluation<Integer> intDetail(String key, EvaluationContext context, int defaultValue) {
    return evaluate(key, context, defaultValue, VariantType.NUMBER, (f, i) -> (int) f.numbers[i]);
  }

  @Override
  public Evaluation<Double> doubleDetail(String key, EvaluationContext context, double defaultValue) {
    return evaluate(key, context, defaultValue, VariantType.NUMBER, (f, i) -> f.numbers[i]);
  }

  @Override
  public <T> Evaluation<T> jsonDetail(
      String key, EvaluationContext context, Class<T> type, T defaultValue) {
    if (type == null) {
      return defaulted(snapshot, String.valueOf(key), defaultValue, Reason.ERROR, ErrorCode.INVALID_ARGUMENT);
    }
    // tree types get a copy: the shared node must never be handed out for callers to mutate
    return evaluate(
        key,
        context,
        defaultValue,
        null,
        (f, i) -> com.fasterxml.jackson.core.TreeNode.class.isAssignableFrom(type)
            ? type.cast(f.values[i].deepCopy())
            : Json.MAPPER.treeToValue(f.values[i], type));
  }

  /** Reads a variant value; may throw when a JSON value does not map to the requested class. */
  @FunctionalInterface
  private interface ValueReader<T> {
    T read(CompiledFlag flag, int variant) throws Exception;
  }

  private <T> Evaluation<T> evaluate(
      String key,
      EvaluationContext context,
      T defaultValue,
      @Nullable VariantType expected,
      ValueReader<T> reader) {
    Snapshot s = snapshot;
    if (key == null) {
      return defaulted(s, "(null)", defaultValue, Reason.ERROR, ErrorCode.INVALID_ARGUMENT);
    }
    EvaluationContext ctx = context == null ? EvaluationContext.empty() : context;
    try {
      CompiledFlag f = s.flags().get(key);
      if (f == null) {
        return s.hasData()
            ? notFound(s, key, defaultValue)
            : defaulted(s, key, defaultValue, Reason.ERROR, s.missingError());
      }
      if (f.scheduled()) {
        f = f.inForce(clock.millis());
        if (f == null) {
          return notFound(s, key, defaultValue);
        }
      }
      if (expected != null && f.type != expected) {
        return defaulted(s, key, defaultValue, Reason.ERROR, ErrorCode.WRONG_TYPE);
      }
      long packed = f.decide(ctx);
      if (counting) {
        f.count(packed);
      }
      int variant = CompiledFlag.variantIndex(packed);
      T value;
      try {
        value = reader.read(f, variant);
      } catch (Exception e) {
        return defaulted(s, key, defaultValue, Reason.ERROR, ErrorCode.WRONG_TYPE);
      }
      return new Evaluation<>(
          value,
          f.variantNames[variant],
          CompiledFlag.reason(packed),
          null,
          CompiledFlag.ruleIndex(packed),
          f.version,
          s.revision());
    } catch (RuntimeException | StackOverflowError e) {
      warnOnce("eval-" + key, "Evaluation of flag '{}' failed; serving the default", key, e.toString());
      return defaulted(s, key, defaultValue, Reason.ERROR, ErrorCode.EXCEPTION);
    }
  }

  private <T> Evaluation<T> defaulted(
      Snapshot s, String key, T value, Reason reason, @Nullable ErrorCode code) {
    if (counting) {
      counters.error(key, code);
    }
    return new Evaluation<>(value, null, reason, code, -1, 0, s.revision());
  }

  private <T> Evaluation<T> notFound(Snapshot s, String key, T value) {
    if (counting) {
      counters.notFound(key);
    }
    return new Evaluation<>(value, null, Reason.FLAG_NOT_FOUND, null, -1, 0, s.revision());
  }

  @Override
  public FlagsState allFlags(EvaluationContext context) {
    Snapshot s = snapshot;
    long now = clock.millis();
    Map<String, Evaluation<JsonNode>> all = new HashMap<>();
    for (String key : s.flags().keySet()) {
      Evaluation<JsonNode> e = evaluateIn(s, key, context, now);
      if (e != null) {
        all.put(key, e);
      }
    }
    return new FlagsState(s.revision(), all);
  }

  private @Nullable Evaluation<JsonNode> evaluateIn(
      Snapshot s, String key, EvaluationContext context, long now) {
    try {
      CompiledFlag f = s.flags().get(key);
      f = f == null ? null : f.inForce(now);
      if (f == null) {
        return null;
      }
      long packed = f.decide(context == null ? EvaluationContext.empty() : context);
      if (counting) {
        f.count(packed);
      }
      int variant = CompiledFlag.variantIndex(packed);
      return new Evaluation<>(
          f.values[variant].deepCopy(),
          f.variantNames[variant],
          CompiledFlag.reason(packed),
          null,
          CompiledFlag.ruleIndex(packed),
          f.version,
          s.revision());
    } catch (RuntimeException | StackOverflowError e) {
      warnOnce("eval-" + key, "Evaluation of flag '{}' failed; leaving it out", key, e.toString());
      return null;
    }
  }

  // ---------------------------------------------------------------- listeners, status, close

  @Override
  public Subscription onChange(String key, FlagChangeListener listener) {
    return listeners.add(key, listener);
  }

  @Override
  public Subscription onAnyChange(FlagChangeListener listener) {
    return listeners.addAny(listener);
  }

  @Override
  public ClientStatus status() {
    synchronized (writeLock) {
      return statusLocked();
    }
  }

  private ClientStatus statusLocked() {
    Snapshot serving = snapshot;
    Snapshot good = lastGood;
    ClientStatus.State state;
    if (closed) {
      state = ClientStatus.State.CLOSED;
    } else if (!serving.hasData()) {
      state = starting && good == serving ? ClientStatus.State.STARTING : ClientStatus.State.FAILED;
    } else if (serving.source() == ClientStatus.Source.BACKUP_FILE
        || consecutiveFailures > 0
        || age(serving).compareTo(
                config.maxStaleness() != null ? config.maxStaleness() : config.staleAfter()) > 0) {
      state = ClientStatus.State.STALE;
    } else {
      state = ClientStatus.State.READY;
    }
    return new ClientStatus(
        state,
        serving.hasData() ? serving.source() : ClientStatus.Source.DEFAULTS,
        serving.hasData() ? serving.revision() : 0,
        lastSuccess,
        good.hasData() ? age(good) : Duration.ZERO,
        serving.flags().size(),
        good.rejected(),
        lastError);
  }

  private Duration age(Snapshot s) {
    Instant since = s.dataTime();
    Instant success = lastSuccess;
    if (s.source() == ClientStatus.Source.STORE && success != null && success.isAfter(since)) {
      since = success;
    }
    Duration d = Duration.between(since, clock.instant());
    return d.isNegative() ? Duration.ZERO : d;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Subscription p;
    synchronized (pushLock) {
      p = push;
      push = Subscription.NONE;
    }
    // a subscription still being made sees closed under pushLock and closes itself
    try {
      p.close();
    } catch (RuntimeException e) {
      LOG.debug("closing the push subscription", e);
    }
    refresher.shutdownNow();
    caller.close();
    notifier.shutdown();
    try {
      refresher.awaitTermination(5, TimeUnit.SECONDS);
      if (!notifier.awaitTermination(5, TimeUnit.SECONDS)) {
        notifier.shutdownNow();
      }
    } catch (InterruptedException e) {
      notifier.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- for the metrics binder

  /** Evaluation counters, for the metrics binder. */
  public EvaluationCounters counters() {
    return counters;
  }

  /** Starts counting evaluations by flag, variant and reason; called by the metrics binder. */
  public void countEvaluations() {
    counting = true;
  }

  /** Refresh statistics, for the metrics binder. */
  public RefreshStats refreshStats() {
    return stats;
  }

  /** The store's description. */
  public String storeName() {
    return store.describe();
  }

  /** Runs {@code hook} on the refresher thread after every refresh cycle. */
  public Subscription afterEachRefresh(Runnable hook) {
    refreshHooks.add(hook);
    return () -> refreshHooks.remove(hook);
  }
}
