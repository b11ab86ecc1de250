/**
 * Internals of the backfill and its checkpoint stores; not API: these types may change in any
 * release.
 */
@NullMarked
package dev.cutover.dualwrite.replication.backfill.internal;

import org.jspecify.annotations.NullMarked;
