package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.EntityKey;
import dev.cutover.dualwrite.internal.MethodPlan.KeyExtractor;
import java.lang.reflect.Method;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Decides at build time where a method's entity key comes from: the builder's function, else the
 * {@link EntityKey @EntityKey} parameter, else the first parameter when it is a
 * {@link CharSequence}, a number or a {@link UUID}, else nowhere. Problems (two marked parameters,
 * a marked parameter of another type) are added to the build's list, naming the method. Not API.
 */
final class EntityKeys {
    private EntityKeys() {}

    /**
     * The extractor for {@code m}.
     *
     * @param function the builder's function for this method name, if any
     * @param onKeyError run when that function throws on a call
     */
    static KeyExtractor of(
            String repo,
            Method m,
            @Nullable Function<Object[], @Nullable String> function,
            Runnable onKeyError,
            List<String> problems) {
        if (function != null) {
            return KeyExtractor.function(function, onKeyError);
        }
        var annotations = m.getParameterAnnotations();
        Class<?>[] types = m.getParameterTypes();
        int marked = -1;
        for (int i = 0; i < annotations.length; i++) {
            for (var a : annotations[i]) {
                if (a instanceof EntityKey) {
                    if (marked >= 0) {
                        problems.add(MethodTable.describe(repo, m) + " has more than one @EntityKey parameter");
                        return KeyExtractor.NONE;
                    }
                    marked = i;
                }
            }
        }
        if (marked >= 0) {
            if (!keyType(types[marked])) {
                problems.add(MethodTable.describe(repo, m) + ": @EntityKey parameter " + marked + " is a "
                        + types[marked].getSimpleName() + "; it must be a CharSequence, a number or a UUID, or"
                        + " use .entityKey(\"" + m.getName() + "\", args -> ...)");
                return KeyExtractor.NONE;
            }
            return KeyExtractor.argument(marked);
        }
        return types.length > 0 && keyType(types[0]) ? KeyExtractor.argument(0) : KeyExtractor.NONE;
    }

    private static boolean keyType(Class<?> type) {
        return CharSequence.class.isAssignableFrom(type)
                || Number.class.isAssignableFrom(type)
                || UUID.class == type
                || type == long.class
                || type == int.class
                || type == short.class
                || type == byte.class;
    }
}
