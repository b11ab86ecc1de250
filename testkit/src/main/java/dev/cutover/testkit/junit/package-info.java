/**
 * JUnit 5 integration: a fresh {@link dev.cutover.testkit.TestFlags} per test, injected as a
 * parameter, with values pinned by annotation.
 *
 * <pre>{@code
 * @CutoverFlags
 * @PinFlag(key = "orders.migration", value = "SHADOW")
 * class OrderServiceTest {
 *   @Test
 *   @PinFlag(key = "orders.new-checkout", value = "true")
 *   void routesToTheNewCheckout(FlagClient flags) { ... }
 * }
 * }</pre>
 */
@NullMarked
package dev.cutover.testkit.junit;

import org.jspecify.annotations.NullMarked;
