package dev.cutover.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Pins a flag to one value for every context, before each test of a class annotated with
 * {@link CutoverFlags @CutoverFlags} (or extended with {@link CutoverFlagsExtension}). Repeatable;
 * allowed on the test class (applies to all its tests, including {@code @Nested} ones) and on a
 * test method, whose pins override the class's for the same key.
 *
 * <p>The {@link #value()} decides the flag type: {@code "true"} or {@code "false"} pins a boolean
 * flag; a number such as {@code "42"} or {@code "0.25"} pins a number flag; anything else pins a
 * string flag.
 *
 * <pre>{@code
 * @Test
 * @PinFlag(key = "orders.new-checkout", value = "true")
 * @PinFlag(key = "orders.batch-size", value = "500")
 * @PinFlag(key = "orders.migration", value = "DUAL_WRITE")
 * void migratesInBatches(FlagClient flags) { ... }
 * }</pre>
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(PinFlags.class)
public @interface PinFlag {

    /** The flag key. */
    String key();

    /** The value served to every context: a boolean, a number or a string, as text. */
    String value();
}
