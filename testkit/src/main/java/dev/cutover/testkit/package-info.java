/**
 * Test support for applications that use Cutover flags.
 *
 * <p>{@link dev.cutover.testkit.TestFlags} is an in-memory flag store with a real
 * {@link dev.cutover.flags.FlagClient} over it; every value set is visible to the client as soon
 * as the setter returns:
 *
 * <pre>{@code
 * try (TestFlags flags = new TestFlags()) {
 *   flags.set("orders.migration", "SHADOW");
 *   OrderService service = new OrderService(flags.client());
 *   // ... exercise the service
 * }
 * }</pre>
 *
 * <p>Sub-packages: {@link dev.cutover.testkit.junit} (JUnit 5 extension),
 * {@link dev.cutover.testkit.arbitraries} (jqwik generators) and
 * {@link dev.cutover.testkit.contract} (tests every flag store must pass).
 */
@NullMarked
package dev.cutover.testkit;

import org.jspecify.annotations.NullMarked;
