/**
 * Service provider interface for flag stores.
 *
 * <p>A store is deliberately simple: a full {@link dev.cutover.flags.spi.FlagStore#load() load}
 * of raw flag documents with a monotonic revision, a cheap
 * {@link dev.cutover.flags.spi.FlagStore#headRevision() head check}, and optional push hints. The
 * client core adds parsing, validation, caching, retries, staleness and backup on top. Operators'
 * writes go through {@link dev.cutover.flags.spi.WritableFlagStore}: compare-and-set on the flag's
 * version, with an audit record. Verify a new store with the store-contract tests in
 * {@code cutover-testkit}.
 */
@NullMarked
package dev.cutover.flags.spi;

import org.jspecify.annotations.NullMarked;
