package dev.cutover.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh {@link dev.cutover.testkit.TestFlags} with the values of its
 * {@link PinFlag @PinFlag} annotations, injects it (or its {@link dev.cutover.flags.FlagClient})
 * as a test parameter, and closes it after the test. Shorthand for
 * {@code @ExtendWith(CutoverFlagsExtension.class)}.
 *
 * <pre>{@code
 * @CutoverFlags
 * @PinFlag(key = "orders.migration", value = "SHADOW")
 * class MigrationRouterTest {
 *   @Test
 *   void readsFromTheOldStoreWhileShadowing(FlagClient flags) {
 *     assertEquals(Route.OLD, new MigrationRouter(flags).readRoute("order-1"));
 *   }
 *
 *   @Test
 *   @PinFlag(key = "orders.migration", value = "CUTOVER")
 *   void readsFromTheNewStoreAfterCutover(TestFlags flags) {
 *     assertEquals(Route.NEW, new MigrationRouter(flags.client()).readRoute("order-1"));
 *   }
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(CutoverFlagsExtension.class)
public @interface CutoverFlags {}
