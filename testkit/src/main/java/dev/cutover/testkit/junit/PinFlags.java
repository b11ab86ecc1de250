package dev.cutover.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The container of repeated {@link PinFlag @PinFlag} annotations; write the {@code @PinFlag}s
 * directly instead.
 *
 * <pre>{@code
 * @PinFlag(key = "orders.new-checkout", value = "true")
 * @PinFlag(key = "orders.migration", value = "SHADOW")
 * }</pre>
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface PinFlags {

    /** The pins, applied in order. */
    PinFlag[] value();
}
