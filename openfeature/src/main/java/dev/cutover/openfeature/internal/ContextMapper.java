package dev.cutover.openfeature.internal;

import dev.cutover.flags.EvaluationContext;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Maps an OpenFeature evaluation context to a Cutover {@link EvaluationContext}.
 *
 * <ul>
 *   <li>The targeting key becomes the Cutover key (the empty string is a key like any other). The
 *       {@code targetingKey} attribute that OpenFeature contexts carry is that same key and is not
 *       repeated as an attribute.
 *   <li>Booleans, strings and numbers are copied as they are.
 *   <li>An instant becomes its epoch milliseconds, a {@code long}, so numeric rules ({@code lt},
 *       {@code gte}, ...) compare times.
 *   <li>A structure is flattened into dotted names: {@code {"device": {"os": "ios"}}} becomes the
 *       attribute {@code device.os}. An empty structure adds no attribute.
 *   <li>A null value is an absent attribute, as it is in Cutover.
 *   <li>A list, anything else, a structure nested deeper than {@link #MAX_DEPTH} levels, and two
 *       values that flatten to one name are rejected with {@link ErrorCode#INVALID_CONTEXT}, naming
 *       the attribute: Cutover rules compare single strings, numbers and booleans, and nothing is
 *       silently left out of an evaluation.
 *   <li>Non-null attributes without a targeting key are rejected with
 *       {@link ErrorCode#TARGETING_KEY_MISSING}:
 *       a Cutover context carries attributes only beside a key. A context with neither is
 *       {@link EvaluationContext#empty()}.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ContextMapper {

    /** The deepest structure nesting that is flattened. */
    public static final int MAX_DEPTH = 16;

    private static final String TARGETING_KEY = dev.openfeature.sdk.EvaluationContext.TARGETING_KEY;

    private ContextMapper() {}

    /**
     * The Cutover context for an OpenFeature one.
     *
     * @throws ContextException when the context cannot be represented; its message names the
     *     attribute
     */
    public static EvaluationContext map(dev.openfeature.sdk.@Nullable EvaluationContext context) {
        if (context == null || context.isEmpty()) {
            return EvaluationContext.empty();
        }
        String key = context.getTargetingKey();
        Map<String, Value> attributes = context.asUnmodifiableMap();
        if (key == null) {
            Set<String> names = new TreeSet<>();
            attributes.forEach((name, value) -> {
                if (value != null && !value.isNull() && !TARGETING_KEY.equals(name)) {
                    names.add(name);
                }
            });
            if (names.isEmpty()) {
                return EvaluationContext.empty();
            }
            throw new ContextException(
                    ErrorCode.TARGETING_KEY_MISSING,
                    "the evaluation context has attributes " + names + " but no targeting key;"
                            + " a Cutover context carries attributes only beside a targeting key");
        }
        EvaluationContext.Builder builder = EvaluationContext.builder(key);
        if (isFlat(attributes)) {
            for (Map.Entry<String, Value> e : attributes.entrySet()) {
                if (!TARGETING_KEY.equals(e.getKey())) {
                    addScalar(builder, e.getKey(), e.getValue());
                }
            }
        } else {
            Set<String> seen = new HashSet<>();
            for (Map.Entry<String, Value> e : attributes.entrySet()) {
                if (!TARGETING_KEY.equals(e.getKey())) {
                    add(builder, e.getKey(), e.getValue(), 0, seen);
                }
            }
        }
        return builder.build();
    }

    /** Whether no value is a structure: then names cannot collide and no bookkeeping is needed. */
    private static boolean isFlat(Map<String, Value> attributes) {
        for (Value v : attributes.values()) {
            if (v != null && v.isStructure()) {
                return false;
            }
        }
        return true;
    }

    private static void add(
            EvaluationContext.Builder builder, String name, @Nullable Value value, int depth, Set<String> seen) {
        if (value != null && value.isStructure()) {
            if (depth >= MAX_DEPTH) {
                throw invalid(name, "is a structure nested deeper than " + MAX_DEPTH + " levels");
            }
            Structure structure = value.asStructure();
            for (String child : structure.keySet()) {
                add(builder, name + "." + child, structure.getValue(child), depth + 1, seen);
            }
            return;
        }
        if (!seen.add(name)) {
            throw invalid(name, "is given twice: once as a name and once inside a structure, or by two structures");
        }
        addScalar(builder, name, value);
    }

    private static void addScalar(EvaluationContext.Builder builder, String name, @Nullable Value value) {
        if (value == null || value.isNull()) {
            return; // absent and null are the same to Cutover's rules
        }
        Object inner = value.asObject();
        if (inner instanceof String s) {
            builder.set(name, s);
        } else if (inner instanceof Boolean b) {
            builder.set(name, b.booleanValue());
        } else if (inner instanceof Number n) {
            builder.set(name, n);
        } else if (inner instanceof Instant instant) {
            builder.set(name, epochMillis(name, instant));
        } else if (value.isList()) {
            throw invalid(name, "is a list; Cutover rules compare single strings, numbers and booleans");
        } else {
            throw invalid(name, "is a " + inner.getClass().getName() + ", which Cutover rules cannot compare");
        }
    }

    private static long epochMillis(String name, Instant instant) {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            throw invalid(name, "is the instant " + instant + ", outside the range of epoch milliseconds");
        }
    }

    private static ContextException invalid(String name, String problem) {
        return new ContextException(ErrorCode.INVALID_CONTEXT, "context attribute '" + name + "' " + problem);
    }
}
