package dev.cutover.flags.internal;

import dev.cutover.flags.ClientStatistics;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.FlagChangeListener;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.FlagsState;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.VariantType;
import java.util.function.Consumer;

/**
 * The {@link FlagClient} implementation: a {@link SnapshotRefresher} that keeps the snapshot
 * current and a {@link FlagEvaluator} that evaluates against it.
 *
 * <p><b>Concurrency design.</b> Each evaluation reads the refresher's volatile snapshot exactly
 * once and hands that immutable object to the evaluator, so it needs no lock and cannot see two
 * revisions mixed; this class holds no mutable state of its own. See {@link SnapshotRefresher} for
 * the single-writer side and {@link PushHints} for push without a gap.
 */
public final class DefaultFlagClient implements FlagClient {
    private final ChangeListeners listeners = new ChangeListeners();
    private final FlagEvaluator evaluator;
    private final SnapshotRefresher refresher;
    private final ClientStatistics statistics;

    private DefaultFlagClient(ClientConfig config) {
        EvaluationCounters counters = new EvaluationCounters();
        this.evaluator = new FlagEvaluator(config.clock(), counters);
        this.refresher = new SnapshotRefresher(config, counters, listeners);
        this.statistics =
                new DefaultClientStatistics(config.store().describe(), refresher.stats(), counters, evaluator);
    }

    /** Starts a client: first load within the startup bound, else backup file, else defaults. */
    public static DefaultFlagClient start(ClientConfig config) {
        DefaultFlagClient client = new DefaultFlagClient(config);
        client.refresher.start();
        return client;
    }

    // ---------------------------------------------------------------- evaluation

    @Override
    public boolean booleanValue(String key, EvaluationContext context, boolean defaultValue) {
        return evaluator.booleanValue(refresher.serving(), key, context, defaultValue);
    }

    @Override
    public String stringValue(String key, EvaluationContext context, String defaultValue) {
        return evaluator.stringValue(refresher.serving(), key, context, defaultValue);
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
        return evaluator.evaluate(
                refresher.serving(), key, context, defaultValue, VariantType.BOOLEAN, FlagEvaluator.BOOLEAN);
    }

    @Override
    public Evaluation<String> stringDetail(String key, EvaluationContext context, String defaultValue) {
        return evaluator.evaluate(
                refresher.serving(), key, context, defaultValue, VariantType.STRING, FlagEvaluator.STRING);
    }

    @Override
    public Evaluation<Integer> intDetail(String key, EvaluationContext context, int defaultValue) {
        return evaluator.evaluate(
                refresher.serving(), key, context, defaultValue, VariantType.NUMBER, FlagEvaluator.INT);
    }

    @Override
    public Evaluation<Double> doubleDetail(String key, EvaluationContext context, double defaultValue) {
        return evaluator.evaluate(
                refresher.serving(), key, context, defaultValue, VariantType.NUMBER, FlagEvaluator.DOUBLE);
    }

    @Override
    public <T> Evaluation<T> jsonDetail(String key, EvaluationContext context, Class<T> type, T defaultValue) {
        return evaluator.jsonDetail(refresher.serving(), key, context, type, defaultValue);
    }

    @Override
    public FlagsState allFlags(EvaluationContext context) {
        return evaluator.allFlags(refresher.serving(), context);
    }

    // ---------------------------------------------------------------- listeners, status, lifecycle

    @Override
    public Subscription onChange(String key, FlagChangeListener listener) {
        return listeners.add(key, listener);
    }

    @Override
    public Subscription onAnyChange(FlagChangeListener listener) {
        return listeners.addAny(listener);
    }

    @Override
    public Subscription onStatus(Consumer<ClientStatus> listener) {
        return refresher.onStatus(java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public ClientStatus status() {
        return refresher.status();
    }

    @Override
    public ClientStatistics statistics() {
        return statistics;
    }

    @Override
    public boolean refreshNow() {
        return refresher.refreshNow();
    }

    /**
     * Fires change events for scheduled definitions whose {@code effectiveAt} has passed since the
     * last call. Runs on its own schedule; public so tests with a fake clock can drive it.
     */
    public void fireDueEffectiveChanges() {
        refresher.fireDueEffectiveChanges();
    }

    @Override
    public void close() {
        refresher.close();
    }
}
