/**
 * jqwik generators for flag keys, evaluation contexts, complete valid flags and invalid flag
 * documents.
 *
 * <pre>{@code
 * @Property
 * void roundTrips(@ForAll("flags") Flag flag) {
 *   assertEquals(flag, Flag.fromJson(flag.toJson()));
 * }
 *
 * @Provide
 * Arbitrary<Flag> flags() {
 *   return FlagArbitraries.flags();
 * }
 * }</pre>
 */
@NullMarked
package dev.cutover.testkit.arbitraries;

import org.jspecify.annotations.NullMarked;
