/**
 * Micrometer metrics of a {@link dev.cutover.openfeature.CutoverProvider}:
 * {@link dev.cutover.openfeature.metrics.CutoverProviderMetrics}. Needs {@code micrometer-core} on
 * the class path (an optional dependency of this module); the provider itself does not.
 */
@NullMarked
package dev.cutover.openfeature.metrics;

import org.jspecify.annotations.NullMarked;
