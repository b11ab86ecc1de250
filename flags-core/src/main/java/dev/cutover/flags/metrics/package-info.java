/**
 * Optional Micrometer metrics for a {@link dev.cutover.flags.FlagClient}; needs
 * {@code io.micrometer:micrometer-core} on the class path.
 */
@NullMarked
package dev.cutover.flags.metrics;

import org.jspecify.annotations.NullMarked;
