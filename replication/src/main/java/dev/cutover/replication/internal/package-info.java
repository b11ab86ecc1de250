/**
 * Internals of replication: the SQL of the JDBC target and source, the apply engine, the
 * newline-delimited JSON reader, the mirror's queue and workers, and the reconciler's buckets.
 * Not API: anything here may change in any release.
 */
@NullMarked
package dev.cutover.replication.internal;

import org.jspecify.annotations.NullMarked;
