package dev.cutover.replication.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A listener interface wrapped by a dynamic proxy: every call goes to the original listener first;
 * when it returns normally, each argument of the event type is handed to the mirror.
 */
public final class ListenerTap<E> implements InvocationHandler {
    private final Object original;
    private final Class<? extends E> eventType;
    private final Consumer<E> observe;

    private ListenerTap(Object original, Class<? extends E> eventType, Consumer<E> observe) {
        this.original = original;
        this.eventType = eventType;
        this.observe = observe;
    }

    /** A proxy implementing {@code listenerType} around {@code original}. */
    public static <L, E> L wrap(Class<L> listenerType, L original, Class<? extends E> eventType, Consumer<E> observe) {
        Object proxy = Proxy.newProxyInstance(
                listenerType.getClassLoader(),
                new Class<?>[] {listenerType},
                new ListenerTap<>(original, eventType, observe));
        return listenerType.cast(proxy);
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
        }
        Object result;
        try {
            method.trySetAccessible(); // a listener interface need not be public
            result = method.invoke(original, args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // the listener's own exception, unchanged
        }
        if (args != null) {
            for (Object arg : args) {
                if (eventType.isInstance(arg)) {
                    observe.accept(eventType.cast(arg));
                }
            }
        }
        return result;
    }

    private @Nullable Object objectMethod(Object proxy, Method method, @Nullable Object @Nullable [] args)
            throws Throwable {
        switch (method.getName()) {
            case "equals":
                return args != null && args[0] == proxy;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "mirror tap of " + original;
            default:
                try {
                    return method.invoke(original, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
        }
    }
}
