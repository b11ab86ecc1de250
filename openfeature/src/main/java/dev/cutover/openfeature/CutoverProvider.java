package dev.cutover.openfeature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.VariantType;
import dev.cutover.openfeature.internal.ContextView;
import dev.cutover.openfeature.internal.EvaluationMapper;
import dev.cutover.openfeature.internal.JsonValues;
import dev.cutover.openfeature.internal.ProviderAccess;
import dev.cutover.openfeature.internal.ReadinessWait;
import dev.cutover.openfeature.internal.StatusMonitor;
import dev.cutover.openfeature.internal.TrackingCounter;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FatalError;
import dev.openfeature.sdk.exceptions.ProviderNotReadyError;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenFeature provider that evaluates flags with a Cutover {@link FlagClient}.
 *
 * <pre>{@code
 * FlagClient flags = FlagClient.builder(store).build();
 * OpenFeatureAPI api = OpenFeatureAPI.getInstance();
 * api.setProviderAndWait(CutoverProvider.owning(flags));   // api.shutdown() closes flags
 * Client client = api.getClient();
 * boolean on = client.getBooleanValue("orders.new-checkout", false, new ImmutableContext(customerId));
 * }</pre>
 *
 * <p>{@link #of} and {@link #owning} are shortcuts for {@link #builder}, which also sets the
 * initialization timeout and a {@link TrackingListener}:
 *
 * <pre>{@code
 * CutoverProvider provider = CutoverProvider.builder(flags)
 *     .owning(true)
 *     .initializationTimeout(Duration.ofSeconds(10))
 *     .trackingListener((event, context, details) -> analytics.record(event, context, details))
 *     .build();
 * }</pre>
 *
 * <p><b>Evaluation</b> answers from the client's in-memory snapshot, like the client itself: it
 * never throws, never blocks, and serves exactly the value {@link FlagClient} serves for the same
 * flag and context. The variant name is passed through; Cutover's reasons map to OpenFeature's:
 * {@code STATIC} to {@code STATIC} (on, no targets, rules or rollout), {@code FALLTHROUGH} to
 * {@code DEFAULT}, {@code OFF} to {@code DISABLED} (the off variant, or the caller's default when
 * the flag names none), {@code TARGET_MATCH} and {@code RULE_MATCH} to {@code TARGETING_MATCH},
 * {@code ROLLOUT} to {@code SPLIT}. A missing flag or an error is reason {@code ERROR} with the
 * caller's default, a message, and an error code: {@code FLAG_NOT_FOUND}, {@code TYPE_MISMATCH},
 * {@code PROVIDER_NOT_READY} (no snapshot loaded), {@code TARGETING_KEY_MISSING} (the flag needs the
 * key and the context has none), {@code INVALID_CONTEXT} (a rule read an attribute it cannot
 * compare), {@code PROVIDER_FATAL} (the client is closed), or {@code GENERAL} (staleness policy
 * serving defaults, invalid argument, unexpected failure). Types are checked, never coerced: an
 * integer evaluation of a number with a fraction, and an object evaluation of a boolean, string or
 * number flag, are {@code TYPE_MISMATCH}. The flag metadata is the flag's own
 * ({@link dev.cutover.flags.Flag#metadata()}), none when it has none; with
 * {@link Builder#exposeFlagVersions} it also carries {@code flagVersion}, {@code revision} and, for a
 * rule match, {@code ruleIndex}.
 *
 * <p><b>Context</b> is read, not copied: Cutover's rules read only the attributes they compare,
 * each converted when read. The targeting key is optional: a context without one is evaluated
 * normally by a flag that does not need it. Booleans, strings and numbers are read as they are; an
 * instant as its epoch milliseconds; a dotted name ({@code device.os}) reads inside structures; a
 * null value is an absent attribute. A list or another value no rule can compare is an
 * {@code INVALID_CONTEXT} error naming the attribute, only when a rule reads it.
 *
 * <p><b>Lifecycle.</b> While {@link #initialize} runs, OpenFeature reports the provider
 * {@code NOT_READY} (and the SDK serves defaults with {@code PROVIDER_NOT_READY}). It returns at once
 * when the client serves data (from the store or its backup file); otherwise it waits, without
 * polling the store itself, until the client's first load succeeds, at most
 * {@link Builder#initializationTimeout} (5 s by default; zero does not wait). With data it returns
 * normally (state {@code READY}); after the timeout it throws {@link ProviderNotReadyError} (state
 * {@code ERROR}) and reports {@code PROVIDER_READY} once data arrives. A closed client makes it
 * throw {@link FatalError} (state {@code FATAL}), also when the client is closed or this provider is
 * shut down while it waits (within about 100 ms). It then starts the event thread.
 * {@link #shutdown()} stops the event thread and, for a provider that owns its client
 * ({@link #owning}, {@link Builder#owning}), closes the client; otherwise it leaves the client open
 * for the application's other uses. A provider is used once: after {@code shutdown},
 * {@code initialize} throws {@link FatalError}. Once the client is seen closed, evaluations made on
 * the provider directly serve the default with {@code PROVIDER_FATAL} without asking the client.
 *
 * <p><b>Tracking.</b> {@link #track} hands each event with a non-blank name to the
 * {@link TrackingListener} (if any) on the caller's thread, and counts it as
 * {@code cutover.openfeature.track} when {@code CutoverProviderMetrics} is bound. A blank or null
 * name is logged and ignored; a listener's exception is logged once per exception class and never
 * reaches the caller.
 *
 * <p><b>Events.</b> After {@code initialize}: {@code PROVIDER_CONFIGURATION_CHANGED} with the keys
 * of changed flags (from the client's change listeners; the keys of one refresh usually come in one
 * event) and the snapshot revision in the event metadata; and, on each change of the client's
 * {@link ClientStatus.State}: {@code READY} to {@code PROVIDER_READY}, {@code STALE} to
 * {@code PROVIDER_STALE}, {@code FAILED} to {@code PROVIDER_ERROR}, {@code CLOSED} (closed by its
 * owner while the provider is in use) to {@code PROVIDER_ERROR} with error code
 * {@code PROVIDER_FATAL}. The status is read after every refresh cycle and at least once a second.
 * Events are emitted in order from one daemon thread, never from the client's threads.
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. Evaluations take no lock;
 * the only state they share is a cache of immutable flag metadata. {@link #initialize} and
 * {@link #shutdown()} are idempotent.
 *
 * @since 0.1.0
 */
public final class CutoverProvider extends EventProvider {

    /** The provider name in OpenFeature metadata and events. */
    public static final String NAME = "cutover";

    /** The default of {@link Builder#initializationTimeout}: the FlagClient's default startup bound. */
    public static final Duration DEFAULT_INITIALIZATION_TIMEOUT = Duration.ofSeconds(5);

    private static final Metadata METADATA = () -> NAME;
    private static final Logger LOG = LoggerFactory.getLogger(CutoverProvider.class);

    static {
        ProviderAccess.register((provider, counter) -> provider.trackingCounters.add(counter));
    }

    private final FlagClient client;
    private final boolean ownsClient;
    private final boolean exposeFlagVersions;
    private final Duration initializationTimeout;
    private final @Nullable TrackingListener trackingListener;
    private final StatusMonitor monitor;
    private final ReadinessWait readiness = new ReadinessWait();
    private final EvaluationMapper results;
    private final List<TrackingCounter> trackingCounters = new CopyOnWriteArrayList<>();
    private final Set<Class<?>> loggedListenerFailures = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean loggedInvalidEventName = new AtomicBoolean();
    private final Object lifecycle = new Object();
    private volatile boolean shutDown;
    /** Set once the client is seen closed; evaluations then answer PROVIDER_FATAL at once. */
    private volatile boolean fatal;

    private CutoverProvider(Builder b) {
        this.client = b.client;
        this.ownsClient = b.owning;
        this.exposeFlagVersions = b.exposeFlagVersions;
        this.results = new EvaluationMapper(b.exposeFlagVersions);
        this.initializationTimeout = b.initializationTimeout;
        this.trackingListener = b.trackingListener;
        this.monitor = new StatusMonitor(client, (event, details) -> {
            if (details.getErrorCode() == ErrorCode.PROVIDER_FATAL) {
                fatal = true; // before the SDK sees the event: evaluations after state FATAL are fatal
            }
            emit(event, details).await();
        });
    }

    /** Starts configuring a provider over {@code client}; see {@link Builder} for the defaults. */
    public static Builder builder(FlagClient client) {
        return new Builder(client);
    }

    /**
     * A provider over a client the application keeps: {@link #shutdown()} leaves it open, and the
     * application closes it. The same as {@code builder(client).build()}.
     */
    public static CutoverProvider of(FlagClient client) {
        return builder(client).build();
    }

    /**
     * A provider that owns its client: {@link #shutdown()} (for example through
     * {@code OpenFeatureAPI.shutdown()}, or when the provider is replaced) closes it. The same as
     * {@code builder(client).owning(true).build()}.
     */
    public static CutoverProvider owning(FlagClient client) {
        return builder(client).owning(true).build();
    }

    /** Whether {@link #shutdown()} closes the client. */
    public boolean ownsClient() {
        return ownsClient;
    }

    /**
     * Whether evaluations expose the flag's version (see {@link Builder#exposeFlagVersions}).
     *
     * @since 0.1.0
     */
    public boolean exposesFlagVersions() {
        return exposeFlagVersions;
    }

    /**
     * How long {@link #initialize} waits for the client's first data.
     *
     * @since 0.1.0
     */
    public Duration initializationTimeout() {
        return initializationTimeout;
    }

    @Override
    public Metadata getMetadata() {
        return METADATA;
    }

    /**
     * Waits until the client serves data, at most the {@link #initializationTimeout()}, then starts
     * reporting events. OpenFeature reports the provider {@code NOT_READY} meanwhile.
     *
     * @throws ProviderNotReadyError when the client still serves only code defaults after the timeout
     *     (the provider reports {@code PROVIDER_READY} once it has data)
     * @throws FatalError when the client is closed, or this provider was shut down (before or while
     *     waiting)
     */
    @Override
    public void initialize(EvaluationContext evaluationContext) {
        if (shutDown) {
            throw new FatalError("this CutoverProvider was shut down; create a new one");
        }
        ClientStatus status = readiness.await(client, initializationTimeout);
        synchronized (lifecycle) {
            if (shutDown) {
                throw new FatalError("this CutoverProvider was shut down while initializing");
            }
            if (status.state() == ClientStatus.State.CLOSED) {
                fatal = true;
                throw new FatalError("the FlagClient of this CutoverProvider is closed");
            }
            monitor.start(status.hasData() ? StatusMonitor.Reported.READY : StatusMonitor.Reported.ERROR);
        }
        if (!status.hasData()) {
            throw new ProviderNotReadyError("the FlagClient has no data "
                    + (initializationTimeout.isZero() ? "" : "after waiting " + initializationTimeout + " ")
                    + "and serves code defaults (state " + status.state() + ")"
                    + (status.lastError() == null ? "" : "; last store error: " + status.lastError()));
        }
    }

    /**
     * Stops the event thread (and ends an {@link #initialize} still waiting, which then throws
     * {@link FatalError}), and closes the client if this provider owns it. Idempotent.
     */
    @Override
    public void shutdown() {
        synchronized (lifecycle) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        readiness.cancel();
        monitor.close();
        if (ownsClient) {
            client.close();
        }
        super.shutdown();
    }

    /**
     * Records a tracking event: hands it to the {@link TrackingListener} and counts it. Never throws
     * and never blocks beyond the listener; an event with a null or blank name is logged and ignored.
     *
     * @param eventName the tracking event name
     * @param context the merged evaluation context (the SDK never passes null; null is taken as empty)
     * @param details the tracking event details, null when the application gave none
     */
    @Override
    public void track(
            @Nullable String eventName, @Nullable EvaluationContext context, @Nullable TrackingEventDetails details) {
        if (eventName == null || eventName.isBlank()) {
            if (loggedInvalidEventName.compareAndSet(false, true)) {
                LOG.warn(
                        "Ignoring a tracking event without a name ({}); later ones are logged at debug level",
                        eventName == null ? "null" : "'" + eventName + "'");
            } else {
                LOG.debug("Ignoring a tracking event without a name");
            }
            return;
        }
        for (TrackingCounter counter : trackingCounters) {
            try {
                counter.count(eventName);
            } catch (RuntimeException e) {
                LOG.debug("Counting tracking event '{}' failed", eventName, e);
            }
        }
        TrackingListener listener = trackingListener;
        if (listener == null) {
            return;
        }
        try {
            listener.onTrack(eventName, context == null ? new ImmutableContext() : context, details);
        } catch (RuntimeException e) {
            if (loggedListenerFailures.add(e.getClass())) {
                LOG.warn(
                        "Tracking listener {} failed for event '{}'; later {} failures are not logged",
                        listener,
                        eventName,
                        e.getClass().getName(),
                        e);
            }
        }
    }

    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        if (fatal) {
            return fatal(key, defaultValue);
        }
        ContextView view = ContextView.begin(ctx);
        try {
            boolean fallback = defaultValue != null && defaultValue;
            Evaluation<Boolean> e = client.booleanDetail(key, view.context(), fallback);
            return results.map(key, e, e.isDefault() ? defaultValue : e.value(), "boolean", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        } finally {
            view.end();
        }
    }

    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        if (fatal) {
            return fatal(key, defaultValue);
        }
        ContextView view = ContextView.begin(ctx);
        try {
            String fallback = defaultValue == null ? "" : defaultValue;
            Evaluation<String> e = client.stringDetail(key, view.context(), fallback);
            return results.map(key, e, e.isDefault() ? defaultValue : e.value(), "string", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        } finally {
            view.end();
        }
    }

    /**
     * A number flag's value as an integer. A value with a fraction, or outside the range of
     * {@code int}, is a type mismatch: the default is served with {@code TYPE_MISMATCH}, never a
     * truncated value.
     */
    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        if (fatal) {
            return fatal(key, defaultValue);
        }
        ContextView view = ContextView.begin(ctx);
        try {
            Evaluation<Double> e = client.doubleDetail(key, view.context(), 0.0);
            if (e.isDefault()) {
                return results.map(key, e, defaultValue, "number", view);
            }
            double d = e.value();
            if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
                return EvaluationMapper.error(
                        defaultValue,
                        ErrorCode.TYPE_MISMATCH,
                        "flag '" + key + "' serves " + d + " (variant '" + e.variant()
                                + "'), which is not an integer; read it as a double");
            }
            return results.map(key, e, (int) d, "number", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        } finally {
            view.end();
        }
    }

    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        if (fatal) {
            return fatal(key, defaultValue);
        }
        ContextView view = ContextView.begin(ctx);
        try {
            double fallback = defaultValue == null ? 0.0 : defaultValue;
            Evaluation<Double> e = client.doubleDetail(key, view.context(), fallback);
            return results.map(key, e, e.isDefault() ? defaultValue : e.value(), "number", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        } finally {
            view.end();
        }
    }

    /**
     * A JSON flag's value as a {@link Value}. A boolean, string or number flag is a type mismatch:
     * the default is served with {@code TYPE_MISMATCH}, never the scalar wrapped as a value.
     */
    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        if (fatal) {
            return fatal(key, defaultValue);
        }
        ContextView view = ContextView.begin(ctx);
        try {
            Evaluation<JsonNode> e = client.jsonDetail(key, view.context(), JsonNode.class, NullNode.getInstance());
            if (e.type() != null && e.type() != VariantType.JSON) {
                return EvaluationMapper.error(
                        defaultValue,
                        ErrorCode.TYPE_MISMATCH,
                        "flag '" + key + "' is a " + String.valueOf(e.type()).toLowerCase(java.util.Locale.ROOT)
                                + " flag; object evaluation reads JSON flags");
            }
            return results.map(key, e, e.isDefault() ? defaultValue : JsonValues.toValue(e.value()), "JSON", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        } finally {
            view.end();
        }
    }

    /** An evaluation that threw (the client never does; a conversion might): the default, {@code GENERAL}. */
    private static <T> ProviderEvaluation<T> failed(@Nullable String key, @Nullable T defaultValue, Throwable e) {
        return EvaluationMapper.error(defaultValue, ErrorCode.GENERAL, "evaluation of flag '" + key + "' failed: " + e);
    }

    /** The answer of every evaluation once the client is closed: the default, {@code PROVIDER_FATAL}. */
    private static <T> ProviderEvaluation<T> fatal(@Nullable String key, @Nullable T defaultValue) {
        return EvaluationMapper.error(
                defaultValue,
                ErrorCode.PROVIDER_FATAL,
                "the FlagClient of this CutoverProvider is closed; flag '" + key + "' serves the default");
    }

    /**
     * Configures a {@link CutoverProvider}. Each setting is checked when set, and a bad value is
     * named in the exception.
     *
     * <p>Defaults: the application keeps the client ({@code owning(false)}), flag versions are not
     * exposed, {@code initialize} waits at most {@link #DEFAULT_INITIALIZATION_TIMEOUT}, and there is
     * no tracking listener (tracking events are only counted).
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final FlagClient client;
        private boolean owning;
        private boolean exposeFlagVersions;
        private Duration initializationTimeout = DEFAULT_INITIALIZATION_TIMEOUT;
        private @Nullable TrackingListener trackingListener;

        private Builder(FlagClient client) {
            this.client = Objects.requireNonNull(client, "client must not be null");
        }

        /**
         * Whether {@link CutoverProvider#shutdown()} closes the client (true), or leaves it open for
         * the application, which closes it (false, the default).
         */
        public Builder owning(boolean owning) {
            this.owning = owning;
            return this;
        }

        /**
         * Whether each evaluation's flag metadata also carries Cutover's {@code flagVersion} and
         * {@code revision} (both {@code long}) and, for a rule match, {@code ruleIndex}
         * ({@code int}), beside the flag's own metadata (default false: exactly the flag's own);
         * read back with {@link CutoverProvider#exposesFlagVersions()}.
         */
        public Builder exposeFlagVersions(boolean expose) {
            this.exposeFlagVersions = expose;
            return this;
        }

        /**
         * How long {@link CutoverProvider#initialize} waits for the client's first data when it has
         * none yet (default 5 s; {@link Duration#ZERO}: do not wait).
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder initializationTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "initializationTimeout must not be null");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("initializationTimeout must be zero or positive but was " + timeout);
            }
            this.initializationTimeout = timeout;
            return this;
        }

        /** The listener told every tracking event (see {@link TrackingListener}); none by default. */
        public Builder trackingListener(TrackingListener listener) {
            this.trackingListener = Objects.requireNonNull(listener, "trackingListener must not be null");
            return this;
        }

        /** A new provider; nothing runs before {@link CutoverProvider#initialize}. */
        public CutoverProvider build() {
            return new CutoverProvider(this);
        }
    }
}
