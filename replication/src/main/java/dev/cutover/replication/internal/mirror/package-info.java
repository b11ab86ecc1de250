/**
 * Internals of the mirror: the observe path, the in-process queue, the workers and their counters. Not API: these types may change in any release.
 */
@NullMarked
package dev.cutover.replication.internal.mirror;

import org.jspecify.annotations.NullMarked;
