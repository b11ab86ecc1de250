package dev.cutover.dualwrite;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a repository method as a write: it goes to the authoritative store first and, in the
 * stages that shadow writes, to the other store afterwards. Methods whose names do not start with
 * {@code find}, {@code get}, {@code list}, {@code count} or {@code exists} are writes by
 * convention; use this where such a name would mislead, for example {@code getOrCreate}.
 *
 * <pre>{@code
 * interface OrderRepository {
 *   @Write
 *   Order getOrCreate(String id);
 * }
 * }</pre>
 *
 * <p>On a {@code default} method it makes the proxy call the stores' implementations instead of
 * running the default body.
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Write {}
