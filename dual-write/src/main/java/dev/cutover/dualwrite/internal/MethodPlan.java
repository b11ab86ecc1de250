package dev.cutover.dualwrite.internal;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How the proxy handles one method, decided once at build time. Immutable. Not API.
 *
 * @param index position among the routed methods (reads and writes), for metric arrays; -1 for
 *     the others
 * @param method the interface method, made accessible
 * @param kind what the proxy does with a call
 * @param key how to get the entity key from the arguments
 * @param compared whether reads of this method are compared (not for results that can be consumed
 *     only once, such as streams and iterators)
 * @param body for a default method of an interface the proxy cannot reach with
 *     {@code InvocationHandler.invokeDefault} (a non-public one): its body as a handle of type
 *     {@code (Object proxy, Object[] args)Object}; null otherwise
 */
public record MethodPlan(
        int index,
        Method method,
        Kind kind,
        KeyExtractor key,
        boolean compared,
        @Nullable MethodHandle body) {

    /** A plan without a default-method handle. */
    public MethodPlan(int index, Method method, Kind kind, KeyExtractor key, boolean compared) {
        this(index, method, kind, key, compared, null);
    }

    /** What the proxy does with a call. */
    public enum Kind {
        /** Routed to the authoritative store; shadow-read and compared in SHADOW and LIVE. */
        READ,
        /** Routed to the authoritative store, then shadow-written in the stages that do. */
        WRITE,
        /** A default method: its body runs against the proxy. */
        DEFAULT,
        /** {@code equals}: identity of the proxy. */
        EQUALS,
        /** {@code hashCode}: identity hash of the proxy. */
        HASH_CODE,
        /** {@code toString}: names the repository and the flag. */
        TO_STRING
    }

    /** The method name, as reports, journal entries and metrics name it. */
    public String name() {
        return method.getName();
    }

    /** Whether calls are routed by stage. */
    public boolean routed() {
        return kind == Kind.READ || kind == Kind.WRITE;
    }

    /** Gets a call's entity key from its arguments. */
    @FunctionalInterface
    public interface KeyExtractor {
        /** No key. */
        KeyExtractor NONE = args -> null;

        /** The key, or null when the call has none. Must not throw. */
        @Nullable
        String key(Object @Nullable [] args);

        /** The argument at {@code index}, as a string; null when that argument is null. */
        static KeyExtractor argument(int index) {
            return args -> {
                Object value = args == null ? null : args[index];
                return value == null ? null : value.toString();
            };
        }

        /** A user's function; a function that throws gives no key (the caller is not affected). */
        static KeyExtractor function(Function<Object[], @Nullable String> f, Runnable onError) {
            return args -> {
                try {
                    return f.apply(args == null ? new Object[0] : args);
                } catch (RuntimeException e) {
                    onError.run();
                    return null;
                }
            };
        }
    }
}
