/**
 * Internals of the backfill: its run, workers, pacing, row mapping and reports. Not API: these types may change in any release.
 */
@NullMarked
package dev.cutover.replication.internal.backfill;

import org.jspecify.annotations.NullMarked;
