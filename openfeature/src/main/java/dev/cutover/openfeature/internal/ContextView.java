package dev.cutover.openfeature.internal;

import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.InvalidContextException;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An OpenFeature evaluation context seen as a Cutover one, without copying it: Cutover's rules read
 * only the attributes they compare, and each is converted when read.
 *
 * <ul>
 *   <li>The targeting key is the Cutover key, and what rules on {@code key} and key-bucketed
 *       rollouts read (an OpenFeature attribute named {@code key} is not read); a context without
 *       one is a Cutover context without a key, which every flag that does not need the key
 *       evaluates normally.
 *   <li>Booleans, strings and numbers are read as they are; an instant as its epoch milliseconds (a
 *       {@code long}), so numeric rules compare times; a null value is an absent attribute.
 *   <li>A dotted name reads inside structures: {@code device.os} is the {@code os} of the structure
 *       {@code device}, unless the context has an attribute named {@code device.os} itself, which
 *       wins. A structure read as a whole is absent (rules compare single values).
 *   <li>A list, another type, or an instant outside epoch milliseconds make the evaluation serve the
 *       default with {@code INVALID_CONTEXT} and a message naming the attribute, but only when a rule
 *       reads that attribute: attributes no rule reads are never looked at.
 * </ul>
 *
 * <p>A view is used by one evaluation on one thread. {@link #begin} hands out the thread's own
 * view, pointed at the evaluation's context, so an evaluation through the provider allocates no
 * context at all; {@link #end()} lets go of the OpenFeature context. A view in use (an attribute
 * read that evaluates flags again on the same thread) makes {@code begin} hand out a new one. It
 * remembers the first problem it reported, for the error message.
 */
public final class ContextView implements EvaluationContext.Source {

    /** The deepest structure nesting that {@link #names()} lists. */
    public static final int MAX_DEPTH = 16;

    private static final String TARGETING_KEY = dev.openfeature.sdk.EvaluationContext.TARGETING_KEY;
    private static final ThreadLocal<ContextView> THREAD_VIEW = ThreadLocal.withInitial(ContextView::new);

    private dev.openfeature.sdk.@Nullable EvaluationContext context;
    private @Nullable String key;
    private @Nullable String problem;
    private boolean inUse;
    private final EvaluationContext view = EvaluationContext.view(this);

    private ContextView() {}

    /** This thread's view, pointed at {@code context} (null: no context); call {@link #end()} after. */
    public static ContextView begin(dev.openfeature.sdk.@Nullable EvaluationContext context) {
        ContextView v = THREAD_VIEW.get();
        if (v.inUse) {
            v = new ContextView();
        }
        v.inUse = true;
        v.point(context);
        return v;
    }

    /** A view of its own, not shared with evaluations on this thread (for tests and diagnostics). */
    public static ContextView detached(dev.openfeature.sdk.@Nullable EvaluationContext context) {
        ContextView v = new ContextView();
        v.point(context);
        return v;
    }

    private void point(dev.openfeature.sdk.@Nullable EvaluationContext context) {
        this.context = context;
        this.key = context == null ? null : context.getTargetingKey();
        this.problem = null;
    }

    /** Ends the evaluation: the view lets go of the OpenFeature context and may be handed out again. */
    public void end() {
        context = null;
        key = null;
        inUse = false;
    }

    /** The Cutover context this view stands for: the empty context when there is no OpenFeature one. */
    public EvaluationContext context() {
        return context == null ? EvaluationContext.empty() : view;
    }

    /** The problem reported for an attribute a rule read, or null. */
    public @Nullable String problem() {
        return problem;
    }

    @Override
    public @Nullable String key() {
        return key;
    }

    @Override
    public @Nullable Object attribute(String name) {
        dev.openfeature.sdk.EvaluationContext context = this.context;
        if (context == null) {
            return null;
        }
        // the SDK hands out a copy of each Value; it must not leave this method, so that the JIT can
        // do without it: only the inner object is passed on
        Value value = context.getValue(name);
        if (value == null && name.indexOf('.') > 0) {
            value = nested(context, name); // no attribute of that very name: the path inside structures
        }
        Object inner = value == null ? null : value.asObject();
        // class checks first (String and Boolean are final, Number a class): an interface check on a
        // String scans its secondary supers, which the SDK's own checks keep evicting from the cache
        if (inner instanceof String || inner instanceof Boolean || inner instanceof Number) {
            return inner;
        }
        return inner == null ? null : other(name, inner);
    }

    /** The value at a dotted path inside structures, or null. */
    private static @Nullable Value nested(dev.openfeature.sdk.EvaluationContext context, String name) {
        int dot = name.indexOf('.');
        Value current = context.getValue(name.substring(0, dot));
        int from = dot + 1;
        while (current != null && current.isStructure()) {
            Structure s = current.asStructure();
            int next = name.indexOf('.', from);
            if (next < 0) {
                return s.getValue(name.substring(from));
            }
            current = s.getValue(name.substring(from, next));
            from = next + 1;
        }
        return null;
    }

    /** Anything but a string, boolean or number: an instant as epoch millis, a structure absent, else refused. */
    private @Nullable Object other(String name, Object inner) {
        if (inner instanceof Structure) {
            return null; // rules compare single values; a structure is read by its dotted names
        }
        if (inner instanceof Instant instant) {
            try {
                return instant.toEpochMilli();
            } catch (ArithmeticException e) {
                throw invalid(name, "is the instant " + instant + ", outside the range of epoch milliseconds");
            }
        }
        if (inner instanceof List<?>) {
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
        dev.openfeature.sdk.EvaluationContext context = this.context;
        if (context == null) {
            return names;
        }
        for (String key : context.keySet()) {
            if (!TARGETING_KEY.equals(key) && !EvaluationContext.KEY_ATTRIBUTE.equals(key)) {
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
