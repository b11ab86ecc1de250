/**
 * Internals of the reconciler and of repair: bucket digests, the drill into differing buckets, judgement and repair batches. Not API: these types may change in any release.
 */
@NullMarked
package dev.cutover.replication.internal.reconcile;

import org.jspecify.annotations.NullMarked;
