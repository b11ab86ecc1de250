package dev.cutover.dualwrite;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a repository method as a read: it goes to the authoritative store only, and in the
 * {@link Stage#SHADOW} and {@link Stage#LIVE} stages is repeated on the other store and compared.
 * Needed only where the name does not say so ({@code find}, {@code get}, {@code list},
 * {@code count} and {@code exists} are reads by convention).
 *
 * <pre>{@code
 * interface OrderRepository {
 *   @Read
 *   List<Order> recentOrders(String customerId);
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
public @interface Read {}
