package dev.cutover.spring;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Cutover setting that the application cannot start with: it names the property, the value it
 * had and what was expected. Spring Boot's failure analysis prints it in place of a stack trace.
 *
 * <pre>{@code
 * ***************************
 * APPLICATION FAILED TO START
 * ***************************
 * Description:
 * cutover.flags.store is 'mongo', which is not a flag store
 * Action:
 * Set cutover.flags.store to one of: json-file, jdbc, dynamodb
 * }</pre>
 *
 * @since 0.2.0
 */
public final class CutoverConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final @Nullable String value;
    private final String action;

    /**
     * A bad or missing setting.
     *
     * @param property the full property name, such as {@code cutover.flags.store}
     * @param value the value it had, null when it was not set
     * @param problem what is wrong with it, said without the property's name (it is prefixed)
     * @param action what to do about it
     */
    public CutoverConfigurationException(String property, @Nullable String value, String problem, String action) {
        this(property, value, problem, action, null);
    }

    /** Like {@link #CutoverConfigurationException(String, String, String, String)}, with a cause. */
    public CutoverConfigurationException(
            String property, @Nullable String value, String problem, String action, @Nullable Throwable cause) {
        super(message(property, value, problem), cause);
        this.property = Objects.requireNonNull(property, "property");
        this.value = value;
        this.action = Objects.requireNonNull(action, "action");
    }

    private static String message(String property, @Nullable String value, String problem) {
        return property + (value == null ? " is not set" : " is '" + value + "'") + ", " + problem;
    }

    /** The full name of the property at fault. */
    public String property() {
        return property;
    }

    /** The value it had, null when it was not set. */
    public @Nullable String value() {
        return value;
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
