package dev.cutover.spring.internal;

import dev.cutover.spring.CutoverConfigurationException;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * Applies settings to Cutover's builders, turning each rejection into a {@link
 * CutoverConfigurationException} that names the property and the value as the user wrote it.
 */
final class Settings {
    private final Environment environment;

    Settings(Environment environment) {
        this.environment = environment;
    }

    /** The value as written in the configuration, else {@code bound} as text. */
    String raw(String property, @Nullable Object bound) {
        String written = environment.getProperty(property);
        return written != null ? written : String.valueOf(bound);
    }

    /** Runs {@code apply}; an {@link IllegalArgumentException} from it names {@code property}. */
    void apply(String property, @Nullable Object bound, Runnable apply) {
        get(property, bound, () -> {
            apply.run();
            return null;
        });
    }

    /** Calls {@code apply}; an {@link IllegalArgumentException} from it names {@code property}. */
    <T> T get(String property, @Nullable Object bound, Supplier<T> apply) {
        try {
            return apply.get();
        } catch (IllegalArgumentException e) {
            throw new CutoverConfigurationException(
                    property,
                    raw(property, bound),
                    "which Cutover rejects: " + e.getMessage(),
                    "Fix " + property + " as the message says",
                    e);
        }
    }

    /** The option among {@code options} that {@code value} names, ignoring case, '-' and '_'. */
    static String choice(String property, @Nullable String value, String... options) {
        String wanted = value == null ? "" : normalize(value);
        for (String option : options) {
            if (normalize(option).equals(wanted) && !wanted.isEmpty()) {
                return option;
            }
        }
        throw new CutoverConfigurationException(
                property,
                value,
                "which is none of the accepted values",
                "Set " + property + " to one of: " + String.join(", ", options));
    }

    private static String normalize(String s) {
        return s.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT).trim();
    }

    /** Whether the class is on the class path, without loading it. */
    static boolean present(String className) {
        return org.springframework.util.ClassUtils.isPresent(className, Settings.class.getClassLoader());
    }
}
