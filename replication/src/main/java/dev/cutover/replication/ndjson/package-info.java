/**
 * A newline-delimited JSON file (a table dump) as a segmented source for the backfill and the reconciler.
 */
@NullMarked
package dev.cutover.replication.ndjson;

import org.jspecify.annotations.NullMarked;
