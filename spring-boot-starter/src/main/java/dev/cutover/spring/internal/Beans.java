package dev.cutover.spring.internal;

import dev.cutover.spring.CutoverConfigurationException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;

/** Finds the beans that settings name, or the application's only bean of a type, naming the property at fault. */
final class Beans {
    private Beans() {}

    /**
     * The bean {@code name} of {@code type}, or, when {@code name} is null, the only (or primary)
     * bean of that type.
     *
     * @throws CutoverConfigurationException naming {@code property} when there is no such bean
     */
    static <T> T named(ListableBeanFactory beans, Class<T> type, @Nullable String name, String property, String what) {
        if (name == null || name.isBlank()) {
            T only = beans.getBeanProvider(type).getIfUnique();
            if (only == null) {
                String[] names = beans.getBeanNamesForType(type);
                throw new CutoverConfigurationException(
                        property,
                        null,
                        names.length == 0
                                ? "and the application has no " + type.getSimpleName() + " bean for " + what
                                : "and the application has several " + type.getSimpleName() + " beans "
                                        + Arrays.toString(names) + ", none of them primary, for " + what,
                        "Set " + property + " to the name of the " + type.getSimpleName() + " bean to use");
            }
            return only;
        }
        if (!beans.containsBean(name)) {
            throw new CutoverConfigurationException(
                    property,
                    name,
                    "but no bean has that name; " + type.getSimpleName() + " beans: "
                            + Arrays.toString(beans.getBeanNamesForType(type)),
                    "Set " + property + " to the name of a " + type.getSimpleName() + " bean");
        }
        Object bean = beans.getBean(name);
        if (!type.isInstance(bean)) {
            throw new CutoverConfigurationException(
                    property,
                    name,
                    "but that bean is a " + bean.getClass().getName() + ", not a " + type.getName(),
                    "Set " + property + " to the name of a " + type.getSimpleName() + " bean: "
                            + Arrays.toString(beans.getBeanNamesForType(type)));
        }
        return type.cast(bean);
    }
}
