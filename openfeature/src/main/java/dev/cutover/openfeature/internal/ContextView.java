package dev.cutover.openfeature.internal;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.InvalidContextException;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An OpenFeature evaluation context seen as a Cutover one, without copying it: Cutover's rules read
 * only the attributes they compare, and each is converted when read.
 *
 * <ul>
 *   <li>The targeting key is the Cutover key; a context without one is a Cutover context without a
 *       key, which every flag that does not need the key evaluates normally.
 *   <li>Booleans, strings and numbers are read as they are; an instant as its epoch milliseconds (a
 *       {@code long}), so numeric rules compare times; a null value is an absent attribute.
 *   <li>A dotted name reads inside structures: {@code device.os} is the {@code os} of the structure
 *       {@code device}. A structure read as a whole is absent (rules compare single values).
 *   <li>A list, another type, an instant outside epoch milliseconds, or a dotted name that is both an
 *       attribute of its own and a value inside a structure make the evaluation serve the default
 *       with {@code INVALID_CONTEXT} and a message naming the attribute, but only when a rule reads
 *       that attribute: attributes no rule reads are never looked at.
 * </ul>
 *
 * <p>One view per evaluation, used by the evaluating thread only. It remembers the first problem
 * it reported, for the error message.
 */
public final class ContextView implements EvaluationContext.Source {

    /** The deepest structure nesting that {@link #names()} lists. */
    public static final int MAX_DEPTH = 16;

    private static final String TARGETING_KEY = dev.openfeature.sdk.EvaluationContext.TARGETING_KEY;

    private final dev.openfeature.sdk.EvaluationContext context;
    private @Nullable String problem;

    private ContextView(dev.openfeature.sdk.EvaluationContext context) {
        this.context = context;
    }

    /** A view of {@code context}; null when there is none (the Cutover context is then empty). */
    public static @Nullable ContextView of(dev.openfeature.sdk.@Nullable EvaluationContext context) {
        return context == null ? null : new ContextView(context);
    }

    /** The Cutover context over {@code view}, or the empty context for no view. */
    public static EvaluationContext context(@Nullable ContextView view) {
        return view == null ? EvaluationContext.empty() : EvaluationContext.view(view.context.getTargetingKey(), view);
    }

    /** The problem reported for an attribute a rule read, or null. */
    public @Nullable String problem() {
        return problem;
    }

    @Override
    public @Nullable Object attribute(String name) {
        Value value = context.getValue(name);
        if (name.indexOf('.') > 0) {
            Value nested = nested(name);
            if (value != null && !value.isNull() && nested != null && !nested.isNull()) {
                throw invalid(name, "is given twice: once as a name and once inside a structure");
            }
            if (value == null) {
                value = nested;
            }
        }
        return scalar(name, value);
    }

    /** The value at a dotted path inside structures, or null. */
    private @Nullable Value nested(String name) {
        int dot = name.indexOf('.');
        Value current = context.getValue(name.substring(0, dot));
        int from = dot + 1;
        while (current != null && current.isStructure()) {
            Structure s = current.asStructure();
            int next = name.indexOf('.', from);
            if (next < 0) {
                return s.getValue(name.substring(from));
            }
            // a structure may also hold a dotted name itself: the longest match is not tried, as
            // flattening never produced one
            current = s.getValue(name.substring(from, next));
            from = next + 1;
        }
        return null;
    }

    private @Nullable Object scalar(String name, @Nullable Value value) {
        if (value == null || value.isNull() || value.isStructure()) {
            return null;
        }
        Object inner = value.asObject();
        if (inner instanceof String || inner instanceof Boolean || inner instanceof Number) {
            return inner;
        }
        if (inner instanceof Instant instant) {
            try {
                return instant.toEpochMilli();
            } catch (ArithmeticException e) {
                throw invalid(name, "is the instant " + instant + ", outside the range of epoch milliseconds");
            }
        }
        if (value.isList()) {
            throw invalid(name, "is a list; Cutover rules compare single strings, numbers and booleans");
        }
        throw invalid(name, "is a " + inner.getClass().getName() + ", which Cutover rules cannot compare");
    }

    private InvalidContextException invalid(String name, String what) {
        String message = "context attribute '" + name + "' " + what;
        if (problem == null) {
            problem = message;
        }
        return new InvalidContextException(name, message);
    }

    /** Every attribute name, structures flattened to dotted names, without the targeting key. */
    @Override
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : context.keySet()) {
            if (!TARGETING_KEY.equals(key)) {
                add(names, key, context.getValue(key), 0);
            }
        }
        return names;
    }

    private static void add(Set<String> names, String name, @Nullable Value value, int depth) {
        if (value != null && value.isStructure() && depth < MAX_DEPTH) {
            Structure s = value.asStructure();
            for (String child : s.keySet()) {
                add(names, name + "." + child, s.getValue(child), depth + 1);
            }
        } else if (value != null && !value.isNull()) {
            names.add(name);
        }
    }
}
