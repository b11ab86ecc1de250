package dev.cutover.dualwrite;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter that holds the entity key of a call. The key picks the stage when the stage
 * flag ramps by key, orders shadow writes of one entity, and is what a failed shadow write is
 * journaled under, so reconciliation can repair exactly that entity.
 *
 * <pre>{@code
 * interface OrderRepository {
 *   void rename(String tenant, @EntityKey String orderId, String name);
 * }
 * }</pre>
 *
 * <p>The parameter must be a {@link CharSequence}, a number or a {@link java.util.UUID}. Without
 * the annotation the first parameter is the key when it has one of those types; otherwise the call
 * has no key unless {@link DualWrite.Builder#entityKey} says how to get one (for example from an
 * entity's id field).
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface EntityKey {}
