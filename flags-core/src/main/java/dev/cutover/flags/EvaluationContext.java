package dev.cutover.flags;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who or what a flag is evaluated for: a targeting key (customer, order, entity id) plus optional
 * attributes that rules compare. Immutable and safe to share and reuse across threads; build it
 * once per request, or once per entity, and evaluation allocates nothing.
 *
 * <pre>{@code
 * EvaluationContext ctx = EvaluationContext.builder("customer-42").set("country", "DE").set("tier", 3).build();
 * EvaluationContext anonymous = EvaluationContext.builder().set("country", "DE").build();
 * }</pre>
 *
 * <p>The targeting key is optional. A context without one is evaluated normally by every flag that
 * does not need the key; a flag that does (individual targets, a rule on the
 * {@value #KEY_ATTRIBUTE} attribute, a rollout bucketed by the key) serves the caller's default with
 * {@link ErrorCode#TARGETING_KEY_MISSING}.
 *
 * <p>An adapter that already holds the attributes in its own form (an OpenFeature context, a
 * request) can {@linkplain #view(Source) view} them instead of copying them: the view reads
 * only the attributes an evaluation asks for.
 *
 * @since 0.1.0
 */
public final class EvaluationContext {

    /** The attribute name that rules and rollouts use to refer to the targeting key. */
    public static final String KEY_ATTRIBUTE = "key";

    // declared before EMPTY: static fields initialize in order, and EMPTY's constructor uses them
    private static final String[] NO_NAMES = {};
    private static final int[] NO_HASHES = {};
    private static final Object[] NO_VALUES = {};
    private static final EvaluationContext EMPTY = new EvaluationContext(null, Map.of());

    /** Contexts up to this many attributes are looked up by a linear scan over flat arrays. */
    private static final int SCAN_LIMIT = 12;

    private static final int KEY_HASH = KEY_ATTRIBUTE.hashCode();

    private final @Nullable String key;
    private final Map<String, Object> attributes;
    /** Where a view reads its attributes; null for a built context. */
    private final @Nullable Source source;
    // flat copies for the evaluation hot path: comparing cached hash codes first makes a lookup in
    // a small context a few integer compares; null when the context is larger than SCAN_LIMIT
    private final String @Nullable [] names;
    private final int @Nullable [] hashes;
    private final Object @Nullable [] values;
    /** Whether an attribute named {@value #KEY_ATTRIBUTE} was set, which then hides the targeting key. */
    private final boolean keyAttributeSet;

    /**
     * Attributes read on demand from another representation, for {@link #view(Source)}.
     * Implementations must be safe to call from the evaluating thread and return the same answer for
     * the same name during one evaluation.
     *
     * @since 0.1.0
     */
    public interface Source {
        /** The targeting key, or null when the context has none. */
        @Nullable
        String key();

        /**
         * The attribute's value: a {@link String}, {@link Number} or {@link Boolean}, or null when
         * absent. Called only for the attributes an evaluation reads, at most once per rule clause.
         *
         * @throws InvalidContextException when the attribute is present but holds a value no rule
         *     can compare
         */
        @Nullable
        Object attribute(String name);

        /** The names of the attributes present, for {@link #attributes()} and diagnostics; not used by evaluation. */
        java.util.Set<String> names();
    }

    private EvaluationContext(Source source) {
        this.key = null;
        this.attributes = Map.of();
        this.source = source;
        names = NO_NAMES;
        hashes = NO_HASHES;
        values = NO_VALUES;
        keyAttributeSet = false;
    }

    private EvaluationContext(@Nullable String key, Map<String, Object> attributes) {
        this.key = key;
        this.attributes = attributes;
        this.source = null;
        this.keyAttributeSet = attributes.containsKey(KEY_ATTRIBUTE);
        if (attributes.isEmpty()) {
            // the common keyed context (a customer id and nothing else) allocates only itself
            names = NO_NAMES;
            hashes = NO_HASHES;
            values = NO_VALUES;
        } else if (attributes.size() <= SCAN_LIMIT) {
            int n = attributes.size();
            names = new String[n];
            hashes = new int[n];
            values = new Object[n];
            int i = 0;
            for (Map.Entry<String, Object> e : attributes.entrySet()) {
                names[i] = e.getKey();
                hashes[i] = e.getKey().hashCode();
                values[i] = e.getValue();
                i++;
            }
        } else {
            names = null;
            hashes = null;
            values = null;
        }
    }

    /** A context with no key and no attributes: rules on attributes never match it. */
    public static EvaluationContext empty() {
        return EMPTY;
    }

    /** A context with only a targeting key. */
    public static EvaluationContext of(String key) {
        return new EvaluationContext(Objects.requireNonNull(key, "key"), Map.of());
    }

    /** Starts a context with a targeting key. */
    public static Builder builder(String key) {
        return new Builder(Objects.requireNonNull(key, "key"));
    }

    /** Starts a context without a targeting key: attributes only. */
    public static Builder builder() {
        return new Builder(null);
    }

    /**
     * A context whose key and attributes are read from {@code source} when an evaluation asks for
     * them, without copying. The {@value #KEY_ATTRIBUTE} attribute is always the source's key (an
     * attribute of that name in the source is not read). A view is as immutable as its source: an adapter may
     * point one view at a new source state between evaluations on one thread, never during one.
     */
    public static EvaluationContext view(Source source) {
        return new EvaluationContext(Objects.requireNonNull(source, "source"));
    }

    /** The targeting key, or null when the context has none. */
    public @Nullable String key() {
        Source src = source;
        return src == null ? key : src.key();
    }

    /**
     * The attributes, not including the key. For a {@linkplain #view view}, every attribute of its
     * source read now (an attribute whose value no rule can compare is left out).
     */
    public Map<String, Object> attributes() {
        Source src = source;
        if (src == null) {
            return attributes;
        }
        LinkedHashMap<String, Object> all = new LinkedHashMap<>();
        for (String name : src.names()) {
            try {
                Object v = src.attribute(name);
                if (v != null) {
                    all.put(name, v);
                }
            } catch (InvalidContextException e) {
                // not comparable: evaluation reports it when a rule reads it
            }
        }
        return Collections.unmodifiableMap(all);
    }

    /**
     * Looks an attribute up; {@value #KEY_ATTRIBUTE} returns the targeting key unless an attribute of
     * that name was set explicitly (in a built context; in a {@linkplain #view view} it is always the
     * targeting key).
     */
    public @Nullable Object get(String attribute) {
        Source src = source;
        if (src != null) {
            // in a view the key attribute is always the targeting key: rules and key-bucketed rollouts
            // read it without a lookup in the adapter's attributes
            return KEY_ATTRIBUTE.equals(attribute) ? src.key() : src.attribute(attribute);
        }
        if (attribute == KEY_ATTRIBUTE && !keyAttributeSet) {
            // the interned name (rollouts bucket by it): no attribute can hold it, no probe needed
            return key;
        }
        String[] n = names;
        if (n != null) {
            // attribute names are usually literals and compiled clauses intern theirs: an identity
            // probe finds them without hashing or comparing characters
            Object[] vs = values;
            for (int i = 0; i < n.length; i++) {
                if (n[i] == attribute) {
                    return vs[i];
                }
            }
            return scan(n, attribute);
        }
        Object value = attributes.get(attribute);
        if (value == null && KEY_ATTRIBUTE.equals(attribute)) {
            return key;
        }
        return value;
    }

    /** The lookup by characters after the identity probe missed: hash codes first, then equals. */
    private @Nullable Object scan(String[] n, String attribute) {
        int h = attribute.hashCode();
        int[] hs = hashes;
        for (int i = 0; i < n.length; i++) {
            if (hs[i] == h && n[i].equals(attribute)) {
                return values[i];
            }
        }
        return h == KEY_HASH && KEY_ATTRIBUTE.equals(attribute) ? key : null;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof EvaluationContext other
                && Objects.equals(key(), other.key())
                && attributes().equals(other.attributes());
    }

    @Override
    public int hashCode() {
        return Objects.hash(key(), attributes());
    }

    @Override
    public String toString() {
        return "EvaluationContext{key=" + key() + ", attributes="
                + (source == null ? attributes.keySet() : source.names()) + "}";
    }

    /**
     * Builds an {@link EvaluationContext}. Attribute values are strings, numbers or booleans.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final @Nullable String key;
        private final LinkedHashMap<String, Object> attributes = new LinkedHashMap<>();

        private Builder(@Nullable String key) {
            this.key = key;
        }

        /** Sets a string attribute. */
        public Builder set(String name, String value) {
            return put(name, value);
        }

        /** Sets a numeric attribute. */
        public Builder set(String name, Number value) {
            return put(name, value);
        }

        /** Sets a boolean attribute. */
        public Builder set(String name, boolean value) {
            return put(name, value);
        }

        private Builder put(String name, Object value) {
            Objects.requireNonNull(name, "attribute name");
            Objects.requireNonNull(value, () -> "value of attribute '" + name + "'");
            attributes.put(name, value);
            return this;
        }

        /** Builds the immutable context. */
        public EvaluationContext build() {
            return new EvaluationContext(key, Collections.unmodifiableMap(new LinkedHashMap<>(attributes)));
        }
    }
}
