/**
 * Shadow writes under overload ({@link dev.cutover.benchmarks.overload.ShadowWriteOverload}):
 * callers write at a fixed rate about ten times what the proxy's shadow side absorbs, on an
 * open-loop schedule ({@link dev.cutover.benchmarks.overload.Phase}); afterwards every key is
 * compared between the stores, and a key that differs must be journaled or lie in an open gap
 * ({@link dev.cutover.benchmarks.overload.KeyWindows}).
 */
@NullMarked
package dev.cutover.benchmarks.overload;

import org.jspecify.annotations.NullMarked;
