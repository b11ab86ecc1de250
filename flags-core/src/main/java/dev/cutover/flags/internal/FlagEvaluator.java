package dev.cutover.flags.internal;

import com.fasterxml.jackson.core.TreeNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.flags.ErrorCode;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.FlagsState;
import dev.cutover.flags.InvalidContextException;
import dev.cutover.flags.Reason;
import dev.cutover.flags.VariantType;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates flags against one {@link Snapshot} given by the caller; holds no flag data itself.
 *
 * <p><b>Concurrency design.</b> Every method is called on application threads, concurrently, and
 * works only on the immutable snapshot it was handed, so it needs no lock and cannot see two
 * revisions mixed: the caller reads the volatile snapshot once and passes it in. The only mutable
 * state is the {@link #counting} switch (written once by a metrics binder) and the lock-free
 * adders of {@link EvaluationCounters}. Nothing here throws: every failure becomes an
 * {@link Evaluation} with the caller's default and an {@link ErrorCode}.
 *
 * <p><b>One path.</b> Every evaluation goes through {@link #decide} (rules, rollout, counting);
 * every {@link Evaluation} of a served variant is built by {@link #served}. The plain boolean
 * value reads its variant straight after {@link #decide} and allocates nothing. An off flag without
 * an off-variant decides {@link CompiledFlag#NO_VARIANT}: every path serves the caller's default
 * with {@link Reason#OFF} and no variant, and {@link #allFlags} leaves such a flag out, since it has
 * no value of its own.
 */
final class FlagEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(FlagEvaluator.class);

    /** Reads a variant value; may throw when a JSON value does not map to the requested class. */
    @FunctionalInterface
    interface ValueReader<T> {
        T read(CompiledFlag flag, int variant) throws Exception;
    }

    static final ValueReader<Boolean> BOOLEAN = (f, i) -> f.booleans[i];
    static final ValueReader<String> STRING = (f, i) -> f.strings[i];
    static final ValueReader<Integer> INT = (f, i) -> (int) f.numbers[i];
    static final ValueReader<Double> DOUBLE = (f, i) -> f.numbers[i];
    /** The shared node is never handed out for callers to mutate: each evaluation gets a copy. */
    private static final ValueReader<JsonNode> TREE_COPY = (f, i) -> f.values[i].deepCopy();

    private final Clock clock;
    private final EvaluationCounters counters;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    /** Evaluations are counted only once a metrics binder asks for it: unobserved counts cost ~5 ns. */
    private volatile boolean counting;

    FlagEvaluator(Clock clock, EvaluationCounters counters) {
        this.clock = clock;
        this.counters = counters;
    }

    /** Starts counting evaluations by flag, variant and reason. */
    void countEvaluations() {
        counting = true;
    }

    /** The boolean value; allocation-free for an existing, unscheduled boolean flag. */
    boolean booleanValue(Snapshot s, String key, EvaluationContext context, boolean defaultValue) {
        CompiledFlag f = s.find(key);
        if (f != null && !counting) {
            // a flag that serves the same value to every context needs no decision
            int constant = f.booleanConstant;
            if (constant != CompiledFlag.DECIDES) {
                return constant == CompiledFlag.SERVES_DEFAULT ? defaultValue : constant == CompiledFlag.SERVES_TRUE;
            }
        }
        int variant = fastVariant(s, f, key, context, VariantType.BOOLEAN);
        if (variant == CompiledFlag.NO_VARIANT) {
            return defaultValue;
        }
        if (variant >= 0) {
            return f.booleans[variant];
        }
        return variant == NOT_FOUND
                ? defaultValue
                : evaluate(s, key, context, defaultValue, VariantType.BOOLEAN, BOOLEAN)
                        .value();
    }

    /** The string value; allocation-free for an existing, unscheduled string flag. */
    String stringValue(Snapshot s, String key, EvaluationContext context, String defaultValue) {
        CompiledFlag f = s.find(key);
        int variant = fastVariant(s, f, key, context, VariantType.STRING);
        if (variant == CompiledFlag.NO_VARIANT) {
            return defaultValue;
        }
        if (variant >= 0) {
            return f.strings[variant];
        }
        return variant == NOT_FOUND
                ? defaultValue
                : evaluate(s, key, context, defaultValue, VariantType.STRING, STRING)
                        .value();
    }

    private static final int FULL_PATH = -1;
    private static final int NOT_FOUND = -2;

    /**
     * The served variant of {@code f} without building an {@link Evaluation}: its index; {@link
     * CompiledFlag#NO_VARIANT} (counted) when it is off without an off-variant; {@link
     * #NOT_FOUND} (counted) when the store has data and no such flag; {@link #FULL_PATH} when the
     * full path must decide (another type, a scheduled change, no context, a failed decision).
     */
    private int fastVariant(
            Snapshot s, @Nullable CompiledFlag f, String key, EvaluationContext context, VariantType type) {
        if (f != null && f.unscheduledType == type && context != null) {
            try {
                return CompiledFlag.variantIndex(decide(f, context));
            } catch (RuntimeException | StackOverflowError e) {
                return FULL_PATH; // the full path decides again, logs once and serves the default
            }
        }
        if (f == null && key != null && s.hasData()) {
            if (counting) {
                counters.notFound(key);
            }
            return NOT_FOUND;
        }
        return FULL_PATH;
    }

    /** A JSON value mapped to {@code type}; tree types get a copy of the shared node. */
    <T> Evaluation<T> jsonDetail(
            Snapshot s, String key, EvaluationContext context, @Nullable Class<T> type, T defaultValue) {
        if (type == null) {
            return defaulted(s, String.valueOf(key), defaultValue, ErrorCode.INVALID_ARGUMENT);
        }
        ValueReader<T> reader = TreeNode.class.isAssignableFrom(type)
                ? (f, i) -> type.cast(f.values[i].deepCopy())
                : (f, i) -> Json.MAPPER.treeToValue(f.values[i], type);
        return evaluate(s, key, context, defaultValue, null, reader);
    }

    /**
     * Evaluates one flag; {@code expected} null accepts every variant type. Never throws.
     */
    <T> Evaluation<T> evaluate(
            Snapshot s,
            String key,
            EvaluationContext context,
            T defaultValue,
            @Nullable VariantType expected,
            ValueReader<T> reader) {
        if (key == null) {
            return defaulted(s, "(null)", defaultValue, ErrorCode.INVALID_ARGUMENT);
        }
        EvaluationContext ctx = context == null ? EvaluationContext.empty() : context;
        VariantType type = null; // known once the flag is found: errors after that report it
        try {
            CompiledFlag f = s.find(key);
            if (f == null) {
                return s.hasData() ? notFound(s, key, defaultValue) : defaulted(s, key, defaultValue, s.missingError());
            }
            if (f.scheduled()) {
                f = f.inForce(clock.millis());
                if (f == null) {
                    return notFound(s, key, defaultValue);
                }
            }
            type = f.type;
            if (expected != null && f.type != expected) {
                return defaulted(s, key, defaultValue, ErrorCode.WRONG_TYPE, type);
            }
            Evaluation<T> e = served(s, f, ctx, reader, defaultValue);
            return e != null ? e : defaulted(s, key, defaultValue, ErrorCode.WRONG_TYPE, type);
        } catch (MissingTargetingKey e) {
            return defaulted(s, key, defaultValue, ErrorCode.TARGETING_KEY_MISSING, type);
        } catch (InvalidContextException e) {
            return defaulted(s, key, defaultValue, ErrorCode.INVALID_CONTEXT, type);
        } catch (RuntimeException | StackOverflowError e) {
            warnOnce(key, "serving the default", e);
            return defaulted(s, key, defaultValue, ErrorCode.EXCEPTION, type);
        }
    }

    /**
     * Every flag in force for one context; a flag whose evaluation fails is left out, and so is an
     * off flag without an off-variant (it serves each caller's own default, so has no value here).
     */
    FlagsState allFlags(Snapshot s, EvaluationContext context) {
        long now = clock.millis();
        EvaluationContext ctx = context == null ? EvaluationContext.empty() : context;
        Map<String, Evaluation<JsonNode>> all = new HashMap<>();
        for (CompiledFlag stored : s.flags().values()) {
            try {
                CompiledFlag f = stored.inForce(now);
                Evaluation<JsonNode> e = f == null ? null : served(s, f, ctx, TREE_COPY, null);
                if (e != null && e.variant() != null) {
                    all.put(stored.key, e);
                }
            } catch (MissingTargetingKey | InvalidContextException e) {
                // this context cannot be decided by this flag: left out, as a client would serve its default
            } catch (RuntimeException | StackOverflowError e) {
                warnOnce(stored.key, "leaving it out", e);
            }
        }
        return new FlagsState(s.revision(), all);
    }

    /** Decides the variant (packed, see {@link CompiledFlag#decide}) and counts it; may throw. */
    private long decide(CompiledFlag f, EvaluationContext context) {
        long packed = f.decide(context);
        if (counting) {
            f.count(packed);
        }
        return packed;
    }

    /**
     * The one path from a flag to the {@link Evaluation} of its served variant: decide, count, read,
     * build. An off flag without an off-variant gets {@code defaultValue} with {@link Reason#OFF}
     * and no variant. Null when the value cannot be read as requested; throws when the decision
     * fails.
     */
    private <T> @Nullable Evaluation<T> served(
            Snapshot s, CompiledFlag f, EvaluationContext context, ValueReader<T> reader, @Nullable T defaultValue) {
        long packed = decide(f, context);
        int readerId = cacheable(reader);
        if (readerId != 0) {
            Evaluation<T> cached = f.cachedEvaluation(packed, readerId, s.revision());
            if (cached != null) {
                return cached;
            }
        }
        int variant = CompiledFlag.variantIndex(packed);
        if (variant == CompiledFlag.NO_VARIANT) {
            return new Evaluation<>(
                    defaultValue, null, Reason.OFF, null, -1, f.version, s.revision(), f.type, f.metadata);
        }
        T value;
        try {
            value = reader.read(f, variant);
        } catch (Exception e) {
            return null;
        }
        Evaluation<T> e = new Evaluation<>(
                value,
                f.variantNames[variant],
                CompiledFlag.reason(packed),
                null,
                CompiledFlag.ruleIndex(packed),
                f.version,
                s.revision(),
                f.type,
                f.metadata);
        if (readerId != 0) {
            f.cacheEvaluation(packed, readerId, s.revision(), e);
        }
        return e;
    }

    /**
     * A non-zero id for the readers whose values are immutable (boolean, string, int, double), whose
     * {@link Evaluation}s can therefore be shared by every evaluation with the same decision; 0 for
     * JSON values, which each evaluation copies.
     */
    private static int cacheable(ValueReader<?> reader) {
        if (reader == BOOLEAN) {
            return 1;
        } else if (reader == STRING) {
            return 2;
        } else if (reader == INT) {
            return 3;
        } else if (reader == DOUBLE) {
            return 4;
        }
        return 0;
    }

    private <T> Evaluation<T> defaulted(Snapshot s, String key, T value, @Nullable ErrorCode code) {
        return defaulted(s, key, value, code, null);
    }

    /** The caller's default for an error; {@code type} is the flag's when it was found. */
    private <T> Evaluation<T> defaulted(
            Snapshot s, String key, T value, @Nullable ErrorCode code, @Nullable VariantType type) {
        if (counting) {
            counters.error(key, code);
        }
        return new Evaluation<>(value, null, Reason.ERROR, code, -1, 0, s.revision(), type, java.util.Map.of());
    }

    private <T> Evaluation<T> notFound(Snapshot s, String key, T value) {
        if (counting) {
            counters.notFound(key);
        }
        return new Evaluation<>(value, null, Reason.FLAG_NOT_FOUND, null, -1, 0, s.revision());
    }

    private void warnOnce(String key, String outcome, Throwable e) {
        if (logged.add(key)) {
            LOG.warn("Evaluation of flag '{}' failed; {}: {}", key, outcome, e.toString());
        }
    }
}
