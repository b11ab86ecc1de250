package dev.cutover.flags;

import dev.cutover.flags.internal.ClientConfig;
import dev.cutover.flags.internal.DefaultFlagClient;
import dev.cutover.flags.spi.FlagStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates flags from an in-memory snapshot of a {@link FlagStore}.
 *
 * <p>Guarantees: evaluation methods never throw and never block on I/O. They read one immutable
 * snapshot held in a volatile field; a background refresher polls the store's cheap head revision
 * (with jitter), reloads only when it moved or a push hint arrives, validates every flag, and swaps
 * the new snapshot in with one write. A reader therefore never sees two revisions mixed, and the
 * revision served never goes backwards. When the store fails the client keeps its last good
 * snapshot and reports {@link ClientStatus.State#STALE}.
 *
 * <pre>{@code
 * try (FlagClient flags = FlagClient.builder(store).backupFile(Path.of("/var/cache/flags.json")).build()) {
 *   EvaluationContext ctx = EvaluationContext.of(customerId);
 *   if (flags.booleanValue("orders.new-checkout", ctx, false)) { ... }
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe. {@link #close()} stops every thread the client started.
 *
 * @since 0.1.0
 */
public interface FlagClient extends AutoCloseable {

    /** Starts configuring a client over a store. */
    static Builder builder(FlagStore store) {
        return new Builder(store);
    }

    /** The boolean value of a flag for a context, or {@code defaultValue}. */
    boolean booleanValue(String key, EvaluationContext context, boolean defaultValue);

    /** The boolean value of a flag evaluated with no context. */
    default boolean booleanValue(String key, boolean defaultValue) {
        return booleanValue(key, EvaluationContext.empty(), defaultValue);
    }

    /** The string value of a flag for a context, or {@code defaultValue}. */
    String stringValue(String key, EvaluationContext context, String defaultValue);

    /** The numeric value of a flag as int (truncated toward zero), or {@code defaultValue}. */
    int intValue(String key, EvaluationContext context, int defaultValue);

    /** The numeric value of a flag as double, or {@code defaultValue}. */
    double doubleValue(String key, EvaluationContext context, double defaultValue);

    /**
     * The value of a flag mapped to {@code type} with Jackson, or {@code defaultValue}. Works for
     * every variant type; a value that cannot be mapped yields the default with
     * {@link ErrorCode#WRONG_TYPE}.
     */
    <T> T jsonValue(String key, EvaluationContext context, Class<T> type, T defaultValue);

    /** Like {@link #booleanValue(String, EvaluationContext, boolean)}, with variant and reason. */
    Evaluation<Boolean> booleanDetail(String key, EvaluationContext context, boolean defaultValue);

    /** Like {@link #stringValue}, with variant and reason. */
    Evaluation<String> stringDetail(String key, EvaluationContext context, String defaultValue);

    /** Like {@link #intValue}, with variant and reason. */
    Evaluation<Integer> intDetail(String key, EvaluationContext context, int defaultValue);

    /** Like {@link #doubleValue}, with variant and reason. */
    Evaluation<Double> doubleDetail(String key, EvaluationContext context, double defaultValue);

    /** Like {@link #jsonValue}, with variant and reason. */
    <T> Evaluation<T> jsonDetail(String key, EvaluationContext context, Class<T> type, T defaultValue);

    /**
     * Evaluates every flag for one context against one snapshot. A flag that is off and names no
     * off-variant is left out: it serves each caller's own default, so it has no value of its own.
     */
    FlagsState allFlags(EvaluationContext context);

    /** Registers a listener told once per actual change of the flag {@code key}. */
    Subscription onChange(String key, FlagChangeListener listener);

    /** Registers a listener told once per actual change of any flag. */
    Subscription onAnyChange(FlagChangeListener listener);

    /** The client's current health. */
    ClientStatus status();

    /**
     * Registers a listener told the client's status after every refresh cycle (each poll, push
     * hint and {@link #refreshNow()}), whether or not the status changed; compare with the last
     * status seen to detect transitions.
     *
     * <p>Contract: the listener is called on the client's single refresher thread, one call at a
     * time, in cycle order. It must return quickly and must not block: the next refresh waits for
     * it. It must not call {@link #refreshNow()} (that would wait for the thread it runs on). An
     * exception it throws is caught and logged once per listener class; it never reaches the client,
     * never stops polling, and other listeners are still called. Transitions between cycles (a
     * snapshot ageing past its limit, {@link #close()}) are seen only by {@link #status()}.
     *
     * @return closing it removes the listener
     * @since 0.1.0
     */
    Subscription onStatus(java.util.function.Consumer<ClientStatus> listener);

    /**
     * Running totals of refreshes and (once {@link ClientStatistics#countEvaluations()} is called)
     * evaluations, for metrics binders.
     *
     * @since 0.1.0
     */
    ClientStatistics statistics();

    /**
     * Runs one refresh cycle now (head check, and a full load when the store's revision moved) and
     * waits for it, so the next evaluation sees every store write made before this call: for tests
     * and tools. Never throws for store failures.
     *
     * <p>Blocking: the cycle runs on the refresher thread after any cycle already running; each
     * store call is bounded by the store time limit and retries, and this method gives up waiting
     * after one minute. Must not be called from a listener of this client.
     *
     * @return true when the cycle ran and the store answered, so the snapshot served is the store's
     *     revision as of the cycle (freshly applied, or confirmed unchanged); false when the client
     *     is closed, the wait was interrupted or timed out, or the store failed (see {@link #status()})
     * @since 0.1.0
     */
    boolean refreshNow();

    /** Stops the refresher and the notification thread; evaluations keep serving the last snapshot. */
    @Override
    void close();

    /**
     * Configures a {@link FlagClient}. Each setting is checked when set and a bad value is named in
     * the exception. {@link #build()} starts the client and waits at most
     * {@link #startupTimeout(Duration)} for the first load; it never hangs.
     *
     * @since 0.1.0
     */
    final class Builder {
        private final FlagStore store;
        private Duration pollInterval = Duration.ofSeconds(30);
        private double pollJitter = 0.1;
        private Duration startupTimeout = Duration.ofSeconds(5);
        private @Nullable Path backupFile;
        private @Nullable Duration maxStaleness;
        private StalenessPolicy stalenessPolicy = StalenessPolicy.KEEP_LAST_GOOD;
        private Duration storeTimeout = Duration.ofSeconds(2);
        private int storeAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Clock clock = Clock.systemUTC();

        private Builder(FlagStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** How often the store's head revision is checked; default 30 s. Push hints act at once. */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = positive("pollInterval", interval);
            return this;
        }

        /** Random spread of each poll delay, as a fraction of the interval in [0, 1); default 0.1. */
        public Builder pollJitter(double fraction) {
            if (!(fraction >= 0.0 && fraction < 1.0)) {
                throw new IllegalArgumentException("pollJitter must be within [0, 1) but was " + fraction);
            }
            this.pollJitter = fraction;
            return this;
        }

        /** How long {@link #build()} waits for the first load; default 5 s; zero returns at once. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = nonNegative("startupTimeout", timeout);
            return this;
        }

        /**
         * A local file that keeps the last good snapshot (written atomically, checksummed) and is
         * served when the store cannot be reached at startup.
         */
        public Builder backupFile(Path file) {
            this.backupFile = Objects.requireNonNull(file, "backupFile");
            return this;
        }

        /**
         * After this long without the store confirming the snapshot, {@code status()} reports
         * {@code STALE} and {@code policy} applies: keep serving the last good snapshot, or serve code
         * defaults until the store answers. Without it, a snapshot counts as stale after two poll
         * intervals plus the store time limit of every attempt.
         */
        public Builder maxStaleness(Duration maxStaleness, StalenessPolicy policy) {
            this.maxStaleness = positive("maxStaleness", maxStaleness);
            this.stalenessPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Time limit for one store call; default 2 s. */
        public Builder storeTimeout(Duration timeout) {
            this.storeTimeout = positive("storeTimeout", timeout);
            return this;
        }

        /** Attempts per store call (1 = no retry) and the first backoff, doubled each retry. */
        public Builder storeRetry(int attempts, Duration backoff) {
            if (attempts < 1) {
                throw new IllegalArgumentException("storeRetry attempts must be >= 1 but was " + attempts);
            }
            this.storeAttempts = attempts;
            this.retryBackoff = positive("storeRetry backoff", backoff);
            return this;
        }

        /** The clock for {@code effectiveAt} and staleness; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts the client, waiting at most the startup timeout for the first load. */
        public FlagClient build() {
            return DefaultFlagClient.start(new ClientConfig(
                    store,
                    pollInterval,
                    pollJitter,
                    startupTimeout,
                    backupFile,
                    maxStaleness,
                    stalenessPolicy,
                    storeTimeout,
                    storeAttempts,
                    retryBackoff,
                    clock));
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive but was " + d);
            }
            return d;
        }

        private static Duration nonNegative(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative but was " + d);
            }
            return d;
        }
    }
}
