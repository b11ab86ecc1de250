/**
 * Micrometer binders for the mirror and the backfill. Optional: Micrometer is needed on the classpath only to use these.
 */
@NullMarked
package dev.cutover.replication.metrics;

import org.jspecify.annotations.NullMarked;
