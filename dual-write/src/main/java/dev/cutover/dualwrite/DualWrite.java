package dev.cutover.dualwrite;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.internal.DualWriteHandler;
import dev.cutover.dualwrite.internal.Settings;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.KeyLedger;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Wraps an old and a new implementation of a repository interface into one proxy of that
 * interface, routed by a {@link Stage} read from a flag on every call.
 *
 * <pre>{@code
 * OrderRepository orders = DualWrite.of(OrderRepository.class)
 *     .oldStore(jdbcOrders)
 *     .newStore(dynamoOrders)
 *     .stageFlag(flags, "orders.migration")
 *     .build();
 * }</pre>
 *
 * <p><b>Per call</b> the stage is read from the flag once (with the call's entity key as the
 * targeting key, so a rollout can ramp a stage per customer) and pinned for the whole call. The
 * authoritative store runs on the caller's thread and its result or exception is what the caller
 * gets, unchanged. Shadow writes, shadow reads and comparisons run later on the proxy's bounded
 * shadow executor, within a per-call time budget and behind a circuit breaker: the caller never
 * waits for them and never sees their failures. A shadow write that does not succeed is appended to
 * the {@link FailedWriteJournal} with the method, the entity key and the reason.
 *
 * <p><b>Methods</b> are reads or writes: by {@link Builder#read}/{@link Builder#write}, else by
 * {@link Read @Read}/{@link Write @Write}, else by name ({@code find}, {@code get}, {@code list},
 * {@code count}, {@code exists} read; the rest write). {@code default} methods run their body
 * against the proxy unless classified explicitly; {@code equals} and {@code hashCode} are the
 * proxy's identity; checked exceptions pass through as from a plain implementation. (The default
 * methods of a non-public interface run through a private lookup, which needs the interface's
 * package open to this library: always so on the class path; in a named module, open it.)
 *
 * <p><b>Ordering:</b> shadow work runs in serial lanes chosen by entity key, so writes of one key
 * made one after the other reach the shadow store in the order they reached the authoritative
 * one. Two threads writing the same key at the same moment may reach the shadow store in the
 * other order, and a timed-out shadow write may land late; both leave that key different until it
 * is written again, which comparisons report and reconciliation (versioned apply) repairs.
 *
 * <p><b>Lifecycle:</b> {@link #control(Object)} closes the proxy's threads
 * ({@link DualWriteControl#close(Duration)}), waits for idle, and shows counts and breakers.
 *
 * @since 0.1.0
 */
public final class DualWrite {
    private DualWrite() {}

    /**
     * Starts configuring a proxy of {@code repository}.
     *
     * @throws IllegalArgumentException when {@code repository} is not an interface
     */
    public static <R> Builder<R> of(Class<R> repository) {
        Objects.requireNonNull(repository, "repository");
        if (!repository.isInterface() || repository.isAnnotation()) {
            throw new IllegalArgumentException(
                    "DualWrite proxies an interface but " + repository.getName() + " is not one");
        }
        return new Builder<>(repository);
    }

    /**
     * The control of a proxy built here: close, await idle, counts, breakers.
     *
     * @throws IllegalArgumentException when {@code proxy} was not built by {@link Builder#build()}
     */
    public static DualWriteControl control(Object proxy) {
        return handler(proxy).control();
    }

    static DualWriteHandler handler(Object proxy) {
        Objects.requireNonNull(proxy, "proxy");
        DualWriteHandler h = DualWriteHandler.of(proxy);
        if (h == null) {
            throw new IllegalArgumentException(
                    "not a DualWrite proxy: " + proxy.getClass().getName());
        }
        return h;
    }

    /**
     * Configures a dual-write proxy. Each setting is checked when set and a bad value is named in
     * the exception; {@link #build()} checks that the stores and the flag were given and classifies
     * every method, naming each one it cannot. Not thread-safe; build once at startup.
     *
     * @param <R> the repository interface
     * @since 0.1.0
     */
    public static final class Builder<R> {
        private final Class<R> repository;
        private @Nullable R oldStore;
        private @Nullable R newStore;
        private @Nullable FlagClient flags;
        private @Nullable String flagKey;
        private final Set<String> reads = new LinkedHashSet<>();
        private final Set<String> writes = new LinkedHashSet<>();
        private final Map<String, Function<Object[], @Nullable String>> keyFunctions = new HashMap<>();
        private Stage defaultStage = Stage.OLD_ONLY;
        private @Nullable Executor executor;
        private int shadowThreads = 4;
        private int shadowQueue = 1_000;
        private Duration shadowTimeout = Duration.ofSeconds(1);
        private @Nullable CircuitBreakerConfig circuitBreaker;
        private @Nullable FailedWriteJournal journal;
        private int pendingKeysBound = KeyLedger.DEFAULT_MAX_KEYS;
        private Duration runHeartbeat = KeyLedger.DEFAULT_HEARTBEAT;
        private Comparison comparison = Comparison.defaults();
        private MigrationListener listener = MigrationListener.none();
        private WriteHandoff handoff = WriteHandoff.sameArguments();

        private Builder(Class<R> repository) {
            this.repository = repository;
        }

        /** The implementation being migrated away from. */
        public Builder<R> oldStore(R store) {
            this.oldStore = requireStore("oldStore", store);
            return this;
        }

        /** The implementation being migrated to. */
        public Builder<R> newStore(R store) {
            this.newStore = requireStore("newStore", store);
            return this;
        }

        private R requireStore(String name, R store) {
            Objects.requireNonNull(store, name);
            if (!repository.isInstance(store)) {
                throw new IllegalArgumentException(name + " must implement " + repository.getName() + " but "
                        + store.getClass().getName() + " does not");
            }
            return store;
        }

        /**
         * The string flag whose value names the {@link Stage}, read from {@code flags} once per call
         * with the call's entity key as targeting key.
         */
        public Builder<R> stageFlag(FlagClient flags, String flagKey) {
            this.flags = Objects.requireNonNull(flags, "flags");
            Objects.requireNonNull(flagKey, "flagKey");
            if (!Flag.isValidKey(flagKey)) {
                throw new IllegalArgumentException("stageFlag key must be 1 to 128 letters, digits, '.', '-' or '_'"
                        + " but was '" + flagKey + "'");
            }
            this.flagKey = flagKey;
            return this;
        }

        /** Classifies the methods with these names (every overload) as reads, whatever else says. */
        public Builder<R> read(String... methodNames) {
            classify(reads, writes, "read", methodNames);
            return this;
        }

        /** Classifies the methods with these names (every overload) as writes, whatever else says. */
        public Builder<R> write(String... methodNames) {
            classify(writes, reads, "write", methodNames);
            return this;
        }

        private static void classify(Set<String> into, Set<String> other, String what, String... names) {
            for (String name : names) {
                Objects.requireNonNull(name, "method name");
                if (other.contains(name)) {
                    throw new IllegalArgumentException("method '" + name + "' is already classified as a "
                            + ("read".equals(what) ? "write" : "read") + "; it cannot also be a " + what);
                }
                into.add(name);
            }
        }

        /**
         * How to get the entity key of calls to the methods named {@code methodName} (every overload),
         * instead of an {@link EntityKey @EntityKey} parameter or the first argument:
         * {@code .entityKey("save", args -> ((Order) args[0]).id())}. The function runs on the caller's
         * thread and must be cheap; if it throws, the call runs without a key.
         */
        public Builder<R> entityKey(String methodName, Function<Object[], @Nullable String> key) {
            Objects.requireNonNull(methodName, "methodName");
            keyFunctions.put(methodName, Objects.requireNonNull(key, "key"));
            return this;
        }

        /**
         * The stage served when the flag is missing, the flag client has no data yet, or the flag's
         * value names no stage; default {@link Stage#OLD_ONLY}.
         */
        public Builder<R> defaultStage(Stage stage) {
            this.defaultStage = Objects.requireNonNull(stage, "defaultStage");
            return this;
        }

        /**
         * Runs shadow work on the application's executor instead of an owned one. It must not run
         * tasks on the submitting thread (that would be the caller's), and should not reject: the
         * proxy never has more than one task per lane queued in it ({@code 4 * shadowThreads} lanes,
         * plus one). {@link DualWriteControl#close} does not shut it down.
         */
        public Builder<R> shadowExecutor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "shadowExecutor");
            return this;
        }

        /**
         * Threads of the owned shadow executor, 1 to 256; default 4. Shadow work runs in
         * {@code 4 * threads} serial lanes chosen by entity key.
         */
        public Builder<R> shadowThreads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("shadowThreads must be between 1 and 256 but was " + threads);
            }
            this.shadowThreads = threads;
            return this;
        }

        /** How many shadow tasks may wait before new ones are shed (and journaled SHED); default 1,000. */
        public Builder<R> shadowQueue(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("shadowQueue must be >= 1 but was " + capacity);
            }
            this.shadowQueue = capacity;
            return this;
        }

        /**
         * The per-call budget of the shadow side, counted from the start of the caller's call;
         * default 1 s. A shadow task that would start after it is shed; a shadow call still running at
         * its end is interrupted and counted as timed out. Also the breaker's slow-call threshold.
         */
        public Builder<R> shadowTimeout(Duration budget) {
            Objects.requireNonNull(budget, "shadowTimeout");
            if (budget.isNegative() || budget.isZero()) {
                throw new IllegalArgumentException("shadowTimeout must be positive but was " + budget);
            }
            this.shadowTimeout = budget;
            return this;
        }

        /**
         * The circuit breaker settings for each store while it is the shadow side. Default: open at
         * 50% failed or slow calls over the last 20, slow meaning past the budget; stay open 10 s; then
         * let 5 probe calls through. Leave automatic transition off, or Resilience4j starts a thread of
         * its own that close cannot stop.
         */
        public Builder<R> circuitBreaker(CircuitBreakerConfig config) {
            this.circuitBreaker = Objects.requireNonNull(config, "circuitBreaker");
            return this;
        }

        /**
         * Where the keys of shadow writes that did not succeed are recorded for repair, and gaps and
         * this process's run record are kept. Default: an {@link InMemoryFailedWriteJournal}, with a
         * WARN at build that it does not survive a restart. The proxy never calls it on the caller's
         * thread: keys wait in a bounded in-memory set ({@link #pendingKeysBound}) and a background
         * thread appends them, retrying while the journal fails.
         */
        public Builder<R> journal(FailedWriteJournal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /**
         * How many distinct keys may wait in memory for the journal (while it is slow or down) before
         * further ones are covered by a {@link dev.cutover.journal.Gap} instead; default
         * 1,000,000 (about 100 MB at most for keys of 20 characters).
         */
        public Builder<R> pendingKeysBound(int keys) {
            if (keys < 1) {
                throw new IllegalArgumentException("pendingKeysBound must be >= 1 but was " + keys);
            }
            this.pendingKeysBound = keys;
            return this;
        }

        /**
         * How often the proxy renews its run record in the journal; default 10 s. The record's lease is
         * three heartbeats: that long after a process dies, its run reads as a gap.
         */
        public Builder<R> runHeartbeat(Duration heartbeat) {
            Objects.requireNonNull(heartbeat, "runHeartbeat");
            if (heartbeat.toMillis() < 1) {
                throw new IllegalArgumentException("runHeartbeat must be at least 1 ms but was " + heartbeat);
            }
            this.runHeartbeat = heartbeat;
            return this;
        }

        /** How shadow reads are compared, sampled and re-checked; default {@link Comparison#defaults()}. */
        public Builder<R> comparison(Comparison comparison) {
            this.comparison = Objects.requireNonNull(comparison, "comparison");
            return this;
        }

        /** Told about every comparison report and every failed shadow write; default none. */
        public Builder<R> listener(MigrationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Turns the caller's arguments and the authoritative result into the shadow write's
         * arguments, for values the authoritative store generates; default: the same arguments.
         */
        public Builder<R> handoff(WriteHandoff handoff) {
            this.handoff = Objects.requireNonNull(handoff, "handoff");
            return this;
        }

        /**
         * Builds the proxy.
         *
         * @throws IllegalStateException when a store or the stage flag was not given, or both stores
         *     are the same object
         * @throws IllegalArgumentException naming each method that cannot be classified, and each
         *     override naming a method the interface does not have
         */
        public R build() {
            R o = oldStore;
            R n = newStore;
            FlagClient f = flags;
            String k = flagKey;
            if (o == null || n == null || f == null || k == null) {
                throw new IllegalStateException("DualWrite of " + repository.getSimpleName() + " needs "
                        + (o == null ? "oldStore(...) " : "") + (n == null ? "newStore(...) " : "")
                        + (f == null ? "stageFlag(...) " : "") + "before build()");
            }
            if (o == n) {
                throw new IllegalStateException("oldStore and newStore of " + repository.getSimpleName()
                        + " are the same object; dual-write needs two stores");
            }
            FailedWriteJournal j = journal;
            Settings settings = new Settings(
                    repository,
                    o,
                    n,
                    f,
                    k,
                    reads,
                    writes,
                    keyFunctions,
                    defaultStage,
                    executor,
                    shadowThreads,
                    shadowQueue,
                    shadowTimeout,
                    circuitBreaker,
                    j != null ? j : new InMemoryFailedWriteJournal(),
                    j == null,
                    pendingKeysBound,
                    runHeartbeat,
                    comparison,
                    listener,
                    handoff);
            return repository.cast(DualWriteHandler.create(settings));
        }
    }
}
