package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cutover.compare.TreeDiff.PathComparator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * How the old and the new results of a read are compared: both are turned into Jackson trees,
 * normalized, and compared field by field. Immutable and thread-safe: one instance serves every
 * call of a proxy.
 *
 * <pre>{@code
 * Comparison comparison = Comparison.builder()
 *     .ignoreFields("etag", "lastReadAt")
 *     .timestampPrecision(ChronoUnit.MILLIS)
 *     .numericScale(2)
 *     .unorderedArrays("/tags")
 *     .nullEqualsAbsent()
 *     .recheckAfter(Duration.ofSeconds(1))
 *     .sampleRate(0.1)
 *     .build();
 * ComparisonResult result = comparison.compare(oldStore.find(id), newStore.find(id));
 * }</pre>
 *
 * <h2>What is compared</h2>
 *
 * Each result goes through the same steps: to a tree with the {@linkplain Builder#objectMapper
 * mapper}; through the normalizers in the order configured; to its canonical form (numbers by
 * value, so {@code 1}, {@code 1L}, {@code 1.0} and {@code new BigDecimal("1.00")} are equal;
 * object fields in any order); finally the arrays declared {@linkplain Builder#unorderedArrays()
 * unordered} are sorted. Two results are equivalent exactly when these forms are equal, which
 * {@link #canonicalize} shows. Being "equal images under one function", equivalence is reflexive,
 * symmetric and transitive whatever normalizers are configured; only {@linkplain
 * Builder#compareAt custom comparators} can break that.
 *
 * <h2>Differences</h2>
 *
 * Reported at the highest node that differs (a field missing on one side is one {@code ONLY_OLD},
 * whatever it holds), as JSON Pointers into the normalized trees, in a stable order: depth first,
 * object fields by ascending name, array elements by ascending index. At most {@link
 * Builder#maxDifferences} are listed; the walk stops at the next one and marks the result
 * {@linkplain ComparisonResult#truncated() truncated}.
 *
 * <h2>Redaction</h2>
 *
 * Reports hold field paths and keyed hashes of values, never raw values, unless {@link
 * Builder#revealValues} is on: entity data is often personal data. The hash key is random per
 * {@code Comparison}, so a hash cannot be looked up in a dictionary of likely values. Error
 * reports name steps and exception types, never exception messages, which often quote the data.
 *
 * <h2>Cost</h2>
 *
 * One {@code compare} serializes both results ({@code valueToTree}; a {@code JsonNode} is used as
 * it is), copies each tree once per normalizer and once into canonical form, and walks both:
 * linear in the size of the results, plus sorting for unordered arrays, plus one HMAC per side of
 * each reported difference. It allocates; run it off the caller's thread (the proxy does). Trees
 * nesting deeper than {@link Builder#maxDepth} are refused as an error before any recursive step.
 *
 * @since 0.1.0
 */
public final class Comparison {
    private final ObjectMapper mapper;
    private final Duration recheckDelay;
    private final double sampleRate;
    private final boolean revealValues;
    private final int maxDifferences;
    private final int maxDepth;
    private final List<Normalizer> normalizers;
    private final @Nullable ArraySorting unordered;
    private final List<PathComparator> comparators;
    private final byte[] hashKey;

    private Comparison(Builder b) {
        this.mapper = b.mapper;
        this.recheckDelay = b.recheckDelay;
        this.sampleRate = b.sampleRate;
        this.revealValues = b.revealValues;
        this.maxDifferences = b.maxDifferences;
        this.maxDepth = b.maxDepth;
        this.normalizers = List.copyOf(b.normalizers);
        this.unordered = b.unordered;
        this.comparators = List.copyOf(b.comparators);
        this.hashKey = new byte[32];
        new SecureRandom().nextBytes(hashKey);
    }

    /** Every read compared, re-checked after 500 ms, values redacted, no normalizers. */
    public static Comparison defaults() {
        return builder().build();
    }

    /** Starts configuring a comparison. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Compares an old and a new result. Never throws (short of a {@link VirtualMachineError} such
     * as {@link OutOfMemoryError}): a result Jackson cannot serialize, a tree nested too deep, or
     * anything a normalizer or a comparator throws gives {@link ComparisonResult.Outcome#ERROR}
     * naming the step and the exception's type.
     *
     * @param oldResult the old store's result: any value the mapper can serialize, a {@code
     *     JsonNode} (used as is, never modified), or null
     * @param newResult the new store's result, likewise
     */
    public ComparisonResult compare(@Nullable Object oldResult, @Nullable Object newResult) {
        try {
            JsonNode oldTree = canonical(oldResult, "old");
            JsonNode newTree = canonical(newResult, "new");
            if (comparators.isEmpty() && oldTree.equals(newTree)) {
                return ComparisonResult.match();
            }
            Redaction redaction = new Redaction(hashKey, revealValues);
            return new TreeDiff(maxDifferences, unordered, comparators, redaction).run(oldTree, newTree);
        } catch (Throwable t) {
            return ComparisonResult.error(
                    String.valueOf(CompareFailure.of("comparing", t).getMessage()));
        }
    }

    /**
     * The form a result is compared in: normalized, canonical, unordered arrays sorted. Two results
     * are equivalent exactly when their forms are equal (without custom comparators). For checking
     * a configuration; {@link #compare} does not need it.
     *
     * @throws IllegalArgumentException when {@link #compare} would give an error; the message names
     *     the step, the cause is what was thrown
     */
    public JsonNode canonicalize(@Nullable Object result) {
        try {
            return canonical(result, "given");
        } catch (CompareFailure failure) {
            throw new IllegalArgumentException(failure.getMessage(), failure.getCause());
        }
    }

    private JsonNode canonical(@Nullable Object result, String side) {
        JsonNode tree;
        try {
            tree = tree(result);
        } catch (Throwable t) {
            throw CompareFailure.of("turning the " + side + " result (" + typeOf(result) + ") into a tree", t);
        }
        requireDepth(tree, "the " + side + " result");
        for (int i = 0; i < normalizers.size(); i++) {
            Normalizer normalizer = normalizers.get(i);
            String step = "normalizer " + (i + 1) + " of " + normalizers.size() + " (" + describe(normalizer)
                    + ") on the " + side + " result";
            JsonNode normalized;
            try {
                normalized = normalizer.normalize(tree);
            } catch (Throwable t) {
                throw CompareFailure.of(step, t);
            }
            if (normalized == null) {
                throw new CompareFailure(step + " returned null", null);
            }
            tree = normalized;
        }
        if (!normalizers.isEmpty()) {
            requireDepth(tree, "the normalized " + side + " result");
        }
        try {
            tree = CanonicalTree.of(tree);
            return unordered == null ? tree : unordered.normalize(tree);
        } catch (Throwable t) {
            throw CompareFailure.of("bringing the " + side + " result to canonical form", t);
        }
    }

    private JsonNode tree(@Nullable Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        JsonNode tree = mapper.valueToTree(value);
        return tree == null ? NullNode.getInstance() : tree;
    }

    private void requireDepth(JsonNode tree, String what) {
        if (CanonicalTree.depthExceeds(tree, maxDepth)) {
            throw new CompareFailure(what + " nests deeper than " + maxDepth + " levels (maxDepth)", null);
        }
    }

    /** Built-ins describe their settings; anything else by its class, whose toString we do not know. */
    private static String describe(Normalizer normalizer) {
        return normalizer instanceof TreeRewriter
                ? normalizer.toString()
                : normalizer.getClass().getName();
    }

    private static String typeOf(@Nullable Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    /** A keyed hash of a value: 16 hex digits of HMAC-SHA256 over its canonical JSON. */
    String hash(JsonNode value) {
        return Objects.requireNonNull(new Redaction(hashKey, false).hash(CanonicalJson.write(value)));
    }

    /** How long to wait before re-checking a mismatch; zero: report at once. */
    public Duration recheckDelay() {
        return recheckDelay;
    }

    /** The fraction of reads compared, 0 to 1. */
    public double sampleRate() {
        return sampleRate;
    }

    /** Whether reports carry raw values. */
    public boolean revealValues() {
        return revealValues;
    }

    /** The most differences one result lists. */
    public int maxDifferences() {
        return maxDifferences;
    }

    /** The deepest nesting of objects and arrays compared; deeper results are an error. */
    public int maxDepth() {
        return maxDepth;
    }

    /** Whether this read should be compared, drawn at random with {@link #sampleRate()}. */
    public boolean sampled() {
        return sampleRate >= 1.0
                || (sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < sampleRate);
    }

    /** The settings, never a value: safe to log. */
    @Override
    public String toString() {
        List<String> steps = new ArrayList<>();
        normalizers.forEach(n -> steps.add(describe(n)));
        if (unordered != null) {
            steps.add(unordered.toString());
        }
        return "Comparison[normalizers=" + steps + ", comparators=" + comparators.size() + ", sampleRate=" + sampleRate
                + ", recheckDelay=" + recheckDelay + ", revealValues=" + revealValues + ", maxDifferences="
                + maxDifferences
                + ", maxDepth=" + maxDepth + "]";
    }

    /**
     * Configures a {@link Comparison}. Each setting is checked when set, naming a bad value.
     * Normalizers apply in the order they are configured, except {@link #unorderedArrays()}, which
     * always applies last so that it sorts the elements as they are finally compared.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        /** The deepest {@link #maxDepth} may be: Jackson itself refuses to write deeper trees. */
        static final int DEPTH_LIMIT = 1000;

        private ObjectMapper mapper = DefaultObjectMapper.INSTANCE;
        private Duration recheckDelay = Duration.ofMillis(500);
        private double sampleRate = 1.0;
        private boolean revealValues;
        private int maxDifferences = 100;
        private int maxDepth = 256;
        private final List<Normalizer> normalizers = new ArrayList<>();
        private @Nullable ArraySorting unordered;
        private final List<PathComparator> comparators = new ArrayList<>();

        private Builder() {}

        /**
         * The mapper that turns results into trees. The default writes {@code java.time} values as
         * ISO-8601 text ({@code Instant} as {@code "2024-05-01T10:15:30.123456Z"}), {@code Optional}
         * by its content, and an object without properties as {@code {}}. A mapper given here is used
         * as it is: register {@code JavaTimeModule} and {@code Jdk8Module} on it if results hold
         * such values.
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "objectMapper");
            return this;
        }

        /**
         * Before a mismatch is reported, wait this long and compare again (default 500 ms); when the
         * authoritative side changed meanwhile, it was a write in flight, not a mismatch. Zero
         * reports at once.
         */
        public Builder recheckAfter(Duration delay) {
            Objects.requireNonNull(delay, "recheckAfter");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("recheckAfter must be >= 0 but was " + delay);
            }
            this.recheckDelay = delay;
            return this;
        }

        /** The fraction of reads compared, from 0 to 1 (default 1: every read). */
        public Builder sampleRate(double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("sampleRate must be between 0 and 1 but was " + rate);
            }
            this.sampleRate = rate;
            return this;
        }

        /**
         * Put raw values in reports (default off: paths and keyed hashes only). Turn on only where
         * the logs and listeners may hold the entity data.
         */
        public Builder revealValues(boolean reveal) {
            this.revealValues = reveal;
            return this;
        }

        /**
         * The most differences one result lists, at least 1 (default 100). Past it the walk stops and
         * the result is marked {@linkplain ComparisonResult#truncated() truncated}, which bounds the
         * work and the size of a report when two results differ everywhere.
         */
        public Builder maxDifferences(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxDifferences must be >= 1 but was " + max);
            }
            this.maxDifferences = max;
            return this;
        }

        /**
         * The deepest nesting of objects and arrays compared, from 1 to 1000 (default 256): a deeper
         * result gives {@link ComparisonResult.Outcome#ERROR} at once, checked without recursion,
         * rather than risking a {@link StackOverflowError} on the proxy's executor.
         */
        public Builder maxDepth(int depth) {
            if (depth < 1 || depth > DEPTH_LIMIT) {
                throw new IllegalArgumentException(
                        "maxDepth must be between 1 and " + DEPTH_LIMIT + " but was " + depth);
            }
            this.maxDepth = depth;
            return this;
        }

        /** Adds {@link Normalizers#ignoreFields}: fields with these names are not compared, at any depth. */
        public Builder ignoreFields(String... names) {
            return normalizer(Normalizers.ignoreFields(names));
        }

        /**
         * Adds {@link Normalizers#ignorePaths}: the fields at these JSON Pointers are not compared;
         * {@code *} matches any one field or index, as in {@code /lines/*}{@code /updatedAt}.
         */
        public Builder ignorePaths(String... paths) {
            return normalizer(Normalizers.ignorePaths(paths));
        }

        /**
         * Adds {@link Normalizers#timestampPrecision}: ISO-8601 date-time strings, and the numbers in
         * the fields named {@code epochMillisFields}, are truncated to {@code unit} (at most {@link
         * ChronoUnit#DAYS}).
         */
        public Builder timestampPrecision(ChronoUnit unit, String... epochMillisFields) {
            return normalizer(Normalizers.timestampPrecision(unit, epochMillisFields));
        }

        /**
         * Adds {@link Normalizers#numericScale}: numbers are rounded half to even to this many decimal
         * places (see there why rounding and not a tolerance).
         */
        public Builder numericScale(int decimalPlaces) {
            return normalizer(Normalizers.numericScale(decimalPlaces));
        }

        /**
         * Makes the order of every array irrelevant. Applied after every other normalizer; an element
         * on one side only is reported as {@code ONLY_OLD} or {@code ONLY_NEW} at its index in its
         * side's sorted array, and elements are matched whole (a changed element is one {@code
         * ONLY_OLD} and one {@code ONLY_NEW}).
         */
        public Builder unorderedArrays() {
            this.unordered = unordered == null ? new ArraySorting(true, List.of()) : unordered.plus(true, List.of());
            return this;
        }

        /**
         * Makes the order of the arrays at these JSON Pointers irrelevant ({@code ""}: the result
         * itself), as {@link #unorderedArrays()} does for all arrays.
         */
        public Builder unorderedArrays(String... paths) {
            List<PathPattern> patterns = Normalizers.patterns("unorderedArrays", paths, true);
            this.unordered = unordered == null ? new ArraySorting(false, patterns) : unordered.plus(false, patterns);
            return this;
        }

        /** Adds {@link Normalizers#nullEqualsAbsent}: a field holding {@code null} counts as absent. */
        public Builder nullEqualsAbsent() {
            return normalizer(Normalizers.nullEqualsAbsent());
        }

        /** Adds a normalizer of your own, after those configured so far; see {@link Normalizer}. */
        public Builder normalizer(Normalizer normalizer) {
            normalizers.add(Objects.requireNonNull(normalizer, "normalizer"));
            return this;
        }

        /**
         * Lets {@code comparator} decide at the paths matching {@code pathPattern} (a JSON Pointer in
         * which {@code *} matches any one segment; {@code ""} is the whole result). Comparators are
         * asked in the order registered, until one answers. Outside the equivalence guarantee: see
         * {@link FieldComparator}.
         */
        public Builder compareAt(String pathPattern, FieldComparator comparator) {
            PathPattern pattern = PathPattern.parse(pathPattern, "compareAt", true);
            comparators.add(new PathComparator(pattern, Objects.requireNonNull(comparator, "comparator")));
            return this;
        }

        public Comparison build() {
            return new Comparison(this);
        }
    }
}
