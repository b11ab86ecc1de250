package dev.cutover.spring.internal;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.spring.CutoverConfigurationException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The {@code entity-key} setting: for every method of the interface whose first parameter is an
 * entity with that accessor ({@code id()} or {@code getId()}), the key is read from the first
 * argument. Methods whose first parameter already is a key (text, number, UUID) keep it.
 */
final class EntityKeys {
    private EntityKeys() {}

    static void configure(DualWrite.Builder<Object> builder, Class<?> type, RepositorySpec spec) {
        String accessor = spec.entityKey();
        if (accessor == null || accessor.isBlank()) {
            return;
        }
        List<String> configured = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() == 0 || Modifier.isStatic(m.getModifiers()) || isKey(m.getParameterTypes()[0])) {
                continue;
            }
            Method read = accessor(m.getParameterTypes()[0], accessor.trim());
            if (read != null && !configured.contains(m.getName())) {
                builder.entityKey(m.getName(), args -> key(read, args));
                configured.add(m.getName());
            }
        }
        if (configured.isEmpty()) {
            throw new CutoverConfigurationException(
                    spec.setting("entity-key", "entityKey"),
                    accessor,
                    "but no method of " + type.getName() + " takes a first argument with a public " + accessor
                            + "() or get" + Character.toUpperCase(accessor.charAt(0)) + accessor.substring(1)
                            + "() method",
                    "Name the accessor of the entity's key, or leave it out");
        }
    }

    private static boolean isKey(Class<?> type) {
        return CharSequence.class.isAssignableFrom(type)
                || Number.class.isAssignableFrom(type)
                || UUID.class.equals(type)
                || (type.isPrimitive() && type != boolean.class);
    }

    private static @Nullable Method accessor(Class<?> entity, String name) {
        String getter = "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String candidate : new String[] {name, getter}) {
            try {
                Method m = entity.getMethod(candidate);
                if (m.getReturnType() != void.class) {
                    return m;
                }
            } catch (NoSuchMethodException e) {
                // try the next form
            }
        }
        return null;
    }

    private static @Nullable String key(Method read, Object[] args) {
        Object entity = args.length == 0 ? null : args[0];
        if (entity == null) {
            return null;
        }
        try {
            Object key = read.invoke(entity);
            return key == null ? null : key.toString();
        } catch (ReflectiveOperationException e) {
            return null; // the call runs without a key, as DualWrite does when a key function throws
        }
    }
}
