package dev.cutover.flags.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.flags.Allocation;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Reason;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Target;
import dev.cutover.flags.VariantType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A validated flag turned into arrays and pre-hashed state for evaluation.
 *
 * <p>{@link #decide} returns a packed {@code long} (variant index, rule index, reason) so the hot
 * path allocates nothing; {@link #variantIndex}, {@link #ruleIndex} and {@link #reason} unpack it.
 * Immutable apart from the evaluation counters, shared {@link LongAdder}s that {@link #count}
 * increments only while a metrics binder is attached.
 */
public final class CompiledFlag {
    private static final Reason[] REASONS = Reason.values();
    /** The reasons up to this one serve a variant and are counted per variant. */
    private static final Reason LAST_SERVING_REASON = Reason.STATIC;

    private static final long NO_SCHEDULE = Long.MIN_VALUE;
    /**
     * The variant field of a packed result (24 bits) for "off, no variant": an off flag without an
     * off-variant, which serves each caller's default value with {@link Reason#OFF}.
     */
    static final int NO_VARIANT = 0xFFFFFF;

    /** {@link #booleanConstant}: the flag must decide for each context. */
    static final int DECIDES = -1;
    /** {@link #booleanConstant}: every context gets {@code false}. */
    static final int SERVES_FALSE = 0;
    /** {@link #booleanConstant}: every context gets {@code true}. */
    static final int SERVES_TRUE = 1;
    /** {@link #booleanConstant}: every context gets the caller's default (off without an off-variant). */
    static final int SERVES_DEFAULT = 2;

    final Flag flag;
    final String key;
    final long version;
    final VariantType type;
    /** Canonical JSON: how changes are detected. */
    final String json;

    final String[] variantNames;
    final JsonNode[] values;
    final boolean[] booleans;
    final String[] strings;
    final double[] numbers;
    private final boolean on;
    private final int offIndex;
    private final @Nullable Map<String, Integer> targets;
    private final CompiledClause[][] ruleClauses;
    /**
     * The clause of each rule when every rule has exactly one (the common shape): the rule loop then
     * reads one array instead of an array of arrays; null otherwise.
     */
    private final CompiledClause @Nullable [] singleClauses;

    private final Served[] ruleServes;
    /** {@link #pack} of each rule with variant 0: the rule's result is its bits or'ed with the variant. */
    private final long[] ruleBits;

    private final Served fallthrough;
    /** {@link #pack} of the fallthrough's reason with variant 0. */
    private final long fallthroughBits;
    /** Epoch millis from which this definition applies; {@link #NO_SCHEDULE} when always. */
    final long effectiveAtMillis;
    /** The definition before {@link #effectiveAtMillis}; null: absent until then. */
    final @Nullable CompiledFlag previous;
    /** Counters by [variant][reason ordinal] for the reasons that serve a variant. */
    private final LongAdder[][] counters;
    /** Slots of {@link #evaluations}: a flag serves few distinct decisions. */
    private static final int EVALUATION_SLOTS = 16;

    /** An {@link Evaluation} already built for one decision, reader and snapshot revision. */
    private record CachedEvaluation(long packed, int reader, long revision, Evaluation<?> evaluation) {}

    /**
     * Evaluations of immutable values already built, direct-mapped by decision and reader, so that a
     * detailed evaluation allocates nothing once warm. Slots are written without locks: a reader sees
     * an older complete entry (record fields are final) or the new one, and a stale or colliding
     * entry only misses.
     */
    private final CachedEvaluation[] evaluations = new CachedEvaluation[EVALUATION_SLOTS];

    /** The flag's own metadata, one instance for every evaluation of this definition. */
    final Map<String, Object> metadata;
    /** On, with no targets, no rules and a fixed fallthrough: the same variant for every context. */
    private final boolean isStatic;
    /**
     * Counts {@link #NO_VARIANT} results under an empty variant tag, as every served default is;
     * null when the flag has an off-variant (no empty series for flags that never serve a default).
     */
    private final @Nullable LongAdder offDefaultCounter;
    /**
     * For an unscheduled boolean flag whose decision does not depend on the context (off, or on with
     * a fixed fallthrough and nothing else): {@link #SERVES_FALSE}, {@link #SERVES_TRUE} or
     * {@link #SERVES_DEFAULT}; otherwise {@link #DECIDES}. What {@link #decide} would serve, read
     * with one load when no evaluation is counted.
     */
    final int booleanConstant;
    /**
     * {@link #type} when the flag is not {@linkplain #scheduled() scheduled}, else null: the fast
     * path's two conditions in one compare.
     */
    final @Nullable VariantType unscheduledType;

    private CompiledFlag(Flag flag, String json, EvaluationCounters counterRegistry, long nowMillis) {
        this.flag = flag;
        this.key = flag.key();
        this.version = flag.version();
        this.type = flag.type();
        this.json = json;
        Map<String, JsonNode> variants = flag.variants();
        int n = variants.size();
        this.variantNames = variants.keySet().toArray(new String[0]);
        this.values = new JsonNode[n];
        this.booleans = new boolean[n];
        this.strings = new String[n];
        this.numbers = new double[n];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            JsonNode v = variants.get(variantNames[i]);
            values[i] = v;
            booleans[i] = v.asBoolean();
            strings[i] = v.isTextual() ? v.textValue() : v.toString();
            numbers[i] = v.asDouble();
            index.put(variantNames[i], i);
        }
        this.on = flag.on();
        this.offIndex = flag.offVariant().map(index::get).orElse(-1);
        Map<String, Integer> t = new HashMap<>();
        for (Target target : flag.targets()) {
            for (String k : target.keys()) {
                t.put(k, index.get(target.variant()));
            }
        }
        this.targets = t.isEmpty() ? null : t;
        List<Rule> rules = flag.rules();
        this.ruleClauses = new CompiledClause[rules.size()][];
        this.ruleServes = new Served[rules.size()];
        for (int r = 0; r < rules.size(); r++) {
            ruleClauses[r] =
                    rules.get(r).clauses().stream().map(CompiledClause::new).toArray(CompiledClause[]::new);
            ruleServes[r] = new Served(rules.get(r).serve(), index, key);
        }
        this.singleClauses = Arrays.stream(ruleClauses).allMatch(c -> c.length == 1)
                ? Arrays.stream(ruleClauses).map(c -> c[0]).toArray(CompiledClause[]::new)
                : null;
        this.ruleBits = new long[rules.size()];
        for (int r = 0; r < rules.size(); r++) {
            ruleBits[r] = pack(0, r, Reason.RULE_MATCH);
        }
        this.fallthrough = new Served(flag.fallthrough(), index, key);
        this.fallthroughBits = pack(0, -1, fallthrough.isRollout() ? Reason.ROLLOUT : Reason.FALLTHROUGH);
        this.metadata = flag.metadata();
        this.isStatic = targets == null && rules.isEmpty() && !fallthrough.isRollout();
        this.counters = new LongAdder[n][LAST_SERVING_REASON.ordinal() + 1];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r <= LAST_SERVING_REASON.ordinal(); r++) {
                counters[i][r] = counterRegistry.served(key, variantNames[i], REASONS[r]);
            }
        }
        this.offDefaultCounter = offIndex < 0 ? counterRegistry.served(key, "", Reason.OFF) : null;
        long effective = flag.effectiveAt().map(java.time.Instant::toEpochMilli).orElse(NO_SCHEDULE);
        if (effective != NO_SCHEDULE && effective <= nowMillis) {
            // already in force when compiled: the previous definition can never be served again
            this.effectiveAtMillis = NO_SCHEDULE;
            this.previous = null;
        } else {
            this.effectiveAtMillis = effective;
            this.previous = flag.previous()
                    .map(p -> new CompiledFlag(p, FlagCodec.write(p), counterRegistry, nowMillis))
                    .orElse(null);
        }
        this.booleanConstant = booleanConstant();
        this.unscheduledType = scheduled() ? null : type;
    }

    /** See {@link #booleanConstant}; called last in the constructor. */
    private int booleanConstant() {
        if (type != VariantType.BOOLEAN || scheduled()) {
            return DECIDES;
        }
        int variant;
        if (!on) {
            variant = offIndex;
            if (variant < 0) {
                return SERVES_DEFAULT;
            }
        } else if (isStatic) {
            variant = fallthrough.fixed;
        } else {
            return DECIDES;
        }
        return booleans[variant] ? SERVES_TRUE : SERVES_FALSE;
    }

    /** Compiles a validated flag. */
    public static CompiledFlag compile(Flag flag, String canonicalJson, EvaluationCounters counters, long nowMillis) {
        return new CompiledFlag(flag, canonicalJson, counters, nowMillis);
    }

    /** The flag definition. */
    public Flag flag() {
        return flag;
    }

    /** Whether a later definition is waiting for its {@code effectiveAt} instant. */
    boolean scheduled() {
        return effectiveAtMillis != NO_SCHEDULE;
    }

    /**
     * The definition in force at {@code nowMillis}: this one, the previous one, or null when the
     * flag does not exist yet.
     */
    @Nullable
    CompiledFlag inForce(long nowMillis) {
        return nowMillis >= effectiveAtMillis ? this : previous;
    }

    /** The cached evaluation of this decision by this reader at this revision, or null. */
    @SuppressWarnings("unchecked")
    <T> @Nullable Evaluation<T> cachedEvaluation(long packed, int reader, long revision) {
        CachedEvaluation c = evaluations[slot(packed, reader)];
        return c != null && c.packed == packed && c.reader == reader && c.revision == revision
                ? (Evaluation<T>) c.evaluation
                : null;
    }

    /** Keeps an evaluation of an immutable value for the next evaluation with the same decision. */
    void cacheEvaluation(long packed, int reader, long revision, Evaluation<?> evaluation) {
        evaluations[slot(packed, reader)] = new CachedEvaluation(packed, reader, revision, evaluation);
    }

    private static int slot(long packed, int reader) {
        long h = (packed * 0x9E3779B97F4A7C15L) ^ reader;
        return (int) (h >>> 40) & (EVALUATION_SLOTS - 1);
    }

    /** Counts one evaluation result; called only while metrics are bound. */
    void count(long packed) {
        int variant = variantIndex(packed);
        if (variant == NO_VARIANT) {
            if (offDefaultCounter != null) {
                offDefaultCounter.increment();
            }
            return;
        }
        counters[variant][(int) (packed >>> 48)].increment();
    }

    /** Evaluates for a context: the packed variant, rule index and reason. */
    long decide(EvaluationContext context) {
        if (!on) {
            return pack(offIndex < 0 ? NO_VARIANT : offIndex, -1, Reason.OFF);
        }
        if (isStatic) {
            return pack(fallthrough.fixed, -1, Reason.STATIC);
        }
        if (targets != null) {
            String k = context.key();
            if (k == null) {
                throw MissingTargetingKey.INSTANCE;
            }
            Integer v = targets.get(k);
            if (v != null) {
                return pack(v, -1, Reason.TARGET_MATCH);
            }
        }
        CompiledClause[] single = singleClauses;
        if (single != null) {
            for (int r = 0; r < single.length; r++) {
                if (single[r].matches(context)) {
                    return ruleBits[r] | ruleServes[r].variant(context);
                }
            }
        } else {
            for (int r = 0; r < ruleClauses.length; r++) {
                if (allMatch(ruleClauses[r], context)) {
                    return ruleBits[r] | ruleServes[r].variant(context);
                }
            }
        }
        return fallthroughBits | fallthrough.variant(context);
    }

    private static boolean allMatch(CompiledClause[] clauses, EvaluationContext context) {
        for (CompiledClause c : clauses) {
            if (!c.matches(context)) {
                return false;
            }
        }
        return true;
    }

    static long pack(int variant, int rule, Reason reason) {
        return ((long) reason.ordinal() << 48) | ((long) (rule + 1) << 24) | variant;
    }

    static int variantIndex(long packed) {
        return (int) (packed & 0xFFFFFF);
    }

    static int ruleIndex(long packed) {
        return (int) ((packed >>> 24) & 0xFFFFFF) - 1;
    }

    static Reason reason(long packed) {
        return REASONS[(int) (packed >>> 48)];
    }

    /** A fixed variant or a rollout, resolved to indexes. */
    private static final class Served {
        private final int fixed;
        private final @Nullable String bucketBy;
        private final long seedState;
        private final int[] upperBounds;
        private final int[] variants;

        Served(Serve serve, Map<String, Integer> index, String flagKey) {
            if (serve.variant() != null) {
                this.fixed = index.get(serve.variant());
                this.bucketBy = null;
                this.seedState = 0;
                this.upperBounds = new int[0];
                this.variants = new int[0];
                return;
            }
            var rollout = serve.rollout();
            this.fixed = -1;
            this.bucketBy = rollout.bucketAttribute().intern(); // see CompiledClause: found by identity
            this.seedState = Bucketing.seedState(rollout.seed() == null ? flagKey : rollout.seed());
            List<Allocation> allocations = rollout.allocations().stream()
                    .filter(a -> a.thousandths() > 0)
                    .toList();
            this.upperBounds = new int[allocations.size()];
            this.variants = new int[allocations.size()];
            int sum = 0;
            for (int i = 0; i < allocations.size(); i++) {
                sum += allocations.get(i).thousandths();
                upperBounds[i] = sum;
                variants[i] = index.get(allocations.get(i).variant());
            }
        }

        boolean isRollout() {
            return fixed < 0;
        }

        int variant(EvaluationContext context) {
            if (fixed >= 0) {
                return fixed;
            }
            Object value = context.get(bucketBy);
            if (value == null) {
                // without the attribute, spread by the targeting key rather than lumping such contexts
                // into one bucket; with neither, the rollout cannot place the context
                value = context.key();
                if (value == null) {
                    throw MissingTargetingKey.INSTANCE;
                }
            }
            int bucket;
            // String is final, so this is an exact class compare; an interface check (CharSequence)
            // would go through the secondary-supers cache and cost several times more
            if (value instanceof String s) {
                bucket = Bucketing.bucket(seedState, s);
            } else if (CompiledClause.isIntegral(value)) {
                bucket = Bucketing.bucket(seedState, ((Number) value).longValue());
            } else {
                bucket = Bucketing.bucket(seedState, value.toString());
            }
            for (int i = 0; i < upperBounds.length; i++) {
                if (bucket < upperBounds[i]) {
                    return variants[i];
                }
            }
            return variants[variants.length - 1];
        }
    }
}
