package dev.cutover.dualwrite;

import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;

/**
 * Hands values the authoritative write generated (ids, timestamps, versions) to the shadow write,
 * so both stores hold the same entity.
 *
 * <pre>{@code
 * // save(Order) returns the stored order with its generated id: write that one to the shadow
 * .handoff((method, args, result) -> method.getName().equals("save") ? new Object[] {result} : args)
 * }</pre>
 *
 * <p>Runs on a shadow thread just before the shadow write, never on the caller's thread. If it
 * throws, the shadow write is not made and is journaled as failed. The arguments are the objects
 * the caller passed (after the authoritative store saw them); return a new array rather than
 * changing the given one.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WriteHandoff {

    /**
     * The arguments of the shadow write.
     *
     * @param method the repository method called
     * @param arguments the caller's arguments (an empty array for a method without parameters)
     * @param authoritativeResult what the authoritative store returned (null for {@code void})
     */
    Object[] shadowArguments(Method method, Object[] arguments, @Nullable Object authoritativeResult) throws Exception;

    /** The default: the shadow write gets the caller's arguments. */
    static WriteHandoff sameArguments() {
        return (method, arguments, result) -> arguments;
    }
}
