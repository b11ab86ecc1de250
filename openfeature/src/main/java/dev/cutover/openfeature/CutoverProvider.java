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
import dev.cutover.openfeature.internal.StatusMonitor;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FatalError;
import dev.openfeature.sdk.exceptions.ProviderNotReadyError;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * <p><b>Evaluation</b> answers from the client's in-memory snapshot, like the client itself: it
 * never throws, never blocks, and serves exactly the value {@link FlagClient} serves for the same
 * flag and context. The variant name is passed through; Cutover's reasons map to OpenFeature's
 * ({@code OFF} to {@code DISABLED}, {@code TARGET_MATCH} and {@code RULE_MATCH} to
 * {@code TARGETING_MATCH}, {@code ROLLOUT} to {@code SPLIT}, {@code FALLTHROUGH} to {@code DEFAULT})
 * and a missing flag or an error to reason {@code ERROR} with the caller's default and an error
 * code: {@code FLAG_NOT_FOUND}, {@code TYPE_MISMATCH} (the flag's variants are of another type),
 * {@code PROVIDER_NOT_READY} (no snapshot loaded), {@code TARGETING_KEY_MISSING} and
 * {@code INVALID_CONTEXT} (a context Cutover cannot represent), or {@code GENERAL} (staleness policy
 * serving defaults, invalid argument, unexpected failure), always with a message. Successful
 * evaluations carry flag metadata {@code flagVersion} and {@code revision} (both {@code long}), and
 * {@code ruleIndex} ({@code int}) for a rule match. Integer evaluation of a number flag truncates
 * toward zero, as {@link FlagClient#intValue} does; object evaluation serves any flag's value as a
 * {@link Value}.
 *
 * <p><b>Context.</b> The targeting key becomes the Cutover key; booleans, strings and numbers are
 * copied; an instant becomes its epoch milliseconds; a structure is flattened into dotted names
 * ({@code device.os}); a null value is an absent attribute. A list, a structure nested more than 16
 * levels, two values flattening to one name, or attributes without a targeting key make the
 * evaluation serve the default with {@code INVALID_CONTEXT} or {@code TARGETING_KEY_MISSING} and
 * a message naming the attribute.
 *
 * <p><b>Lifecycle.</b> {@link #initialize} does not wait: {@link FlagClient.Builder#build()}
 * already waited for the first load. It starts the event thread and succeeds when the client
 * serves data (from the store or its backup file); when the client serves only code defaults it
 * throws {@link ProviderNotReadyError} (OpenFeature state {@code ERROR}) and reports
 * {@code PROVIDER_READY} once data arrives; when the client is closed it throws {@link FatalError}.
 * {@link #shutdown()} stops the event thread and, for a provider made with {@link #owning}, closes
 * the client; a provider made with {@link #of} leaves the client open for the application's other
 * uses. A provider is used once: after {@code shutdown}, {@code initialize} throws
 * {@link FatalError}.
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

    private static final Metadata METADATA = () -> NAME;

    private final FlagClient client;
    private final boolean ownsClient;
    private final StatusMonitor monitor;
    private final EvaluationMapper results = new EvaluationMapper(false);
    private final Object lifecycle = new Object();
    private boolean shutDown;

    private CutoverProvider(FlagClient client, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.monitor = new StatusMonitor(
                client, (event, details) -> emit(event, details).await());
    }

    /**
     * A provider over a client the application keeps: {@link #shutdown()} leaves it open, and the
     * application closes it.
     */
    public static CutoverProvider of(FlagClient client) {
        return new CutoverProvider(client, false);
    }

    /**
     * A provider that owns its client: {@link #shutdown()} (for example through
     * {@code OpenFeatureAPI.shutdown()}, or when the provider is replaced) closes it.
     */
    public static CutoverProvider owning(FlagClient client) {
        return new CutoverProvider(client, true);
    }

    /** Whether {@link #shutdown()} closes the client. */
    public boolean ownsClient() {
        return ownsClient;
    }

    @Override
    public Metadata getMetadata() {
        return METADATA;
    }

    /**
     * Starts reporting events, and checks that the client serves data.
     *
     * @throws ProviderNotReadyError when the client serves only code defaults (it reports
     *     {@code PROVIDER_READY} once it has data)
     * @throws FatalError when the client is closed or this provider was shut down
     */
    @Override
    public void initialize(EvaluationContext evaluationContext) {
        ClientStatus status;
        synchronized (lifecycle) {
            if (shutDown) {
                throw new FatalError("this CutoverProvider was shut down; create a new one");
            }
            status = client.status();
            if (status.state() == ClientStatus.State.CLOSED) {
                throw new FatalError("the FlagClient of this CutoverProvider is closed");
            }
            monitor.start(status.hasData() ? StatusMonitor.Reported.READY : StatusMonitor.Reported.ERROR);
        }
        if (!status.hasData()) {
            throw new ProviderNotReadyError("the FlagClient serves code defaults (state " + status.state() + ")"
                    + (status.lastError() == null ? "" : "; last store error: " + status.lastError()));
        }
    }

    /** Stops the event thread, and closes the client if this provider owns it. */
    @Override
    public void shutdown() {
        synchronized (lifecycle) {
            if (shutDown) {
                return;
            }
            shutDown = true;
        }
        monitor.close();
        if (ownsClient) {
            client.close();
        }
        super.shutdown();
    }

    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        ContextView view = ContextView.of(ctx);
        try {
            boolean fallback = defaultValue != null && defaultValue;
            Evaluation<Boolean> e = client.booleanDetail(key, ContextView.context(view), fallback);
            return results.map(key, e, e.isDefault() ? defaultValue : e.value(), "boolean", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        }
    }

    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        ContextView view = ContextView.of(ctx);
        try {
            String fallback = defaultValue == null ? "" : defaultValue;
            Evaluation<String> e = client.stringDetail(key, ContextView.context(view), fallback);
            return results.map(key, e, e.isDefault() ? defaultValue : e.value(), "string", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        }
    }

    /**
     * A number flag's value as an integer. A value with a fraction, or outside the range of
     * {@code int}, is a type mismatch: the default is served with {@code TYPE_MISMATCH}, never a
     * truncated value.
     */
    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        ContextView view = ContextView.of(ctx);
        try {
            Evaluation<Double> e = client.doubleDetail(key, ContextView.context(view), 0.0);
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
        }
    }

    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        ContextView view = ContextView.of(ctx);
        try {
            double fallback = defaultValue == null ? 0.0 : defaultValue;
            Evaluation<Double> e = client.doubleDetail(key, ContextView.context(view), fallback);
            return results.map(key, e, e.isDefault() ? defaultValue : e.value(), "number", view);
        } catch (RuntimeException | StackOverflowError e) {
            return failed(key, defaultValue, e);
        }
    }

    /**
     * A JSON flag's value as a {@link Value}. A boolean, string or number flag is a type mismatch:
     * the default is served with {@code TYPE_MISMATCH}, never the scalar wrapped as a value.
     */
    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        ContextView view = ContextView.of(ctx);
        try {
            Evaluation<JsonNode> e =
                    client.jsonDetail(key, ContextView.context(view), JsonNode.class, NullNode.getInstance());
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
        }
    }

    /** An evaluation that threw (the client never does; a conversion might): the default, {@code GENERAL}. */
    private static <T> ProviderEvaluation<T> failed(@Nullable String key, @Nullable T defaultValue, Throwable e) {
        return EvaluationMapper.error(defaultValue, ErrorCode.GENERAL, "evaluation of flag '" + key + "' failed: " + e);
    }
}
