/**
 * Internals of the one batch-apply path that the mirror, the backfill and the repair share: a
 * batch goes to {@link dev.cutover.replication.spi.VersionedTarget#apply}, its outcomes are
 * checked, what is retryable is retried, a refused batch is split so that a bad change fails
 * alone, and every change is settled exactly once. Not API: these types may change in any release.
 */
@NullMarked
package dev.cutover.replication.internal.apply;

import org.jspecify.annotations.NullMarked;
