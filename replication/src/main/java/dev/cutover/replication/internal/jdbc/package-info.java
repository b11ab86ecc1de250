/**
 * Internals of the JDBC target, source and checkpoint store: their SQL, batches and transactions. Not API: these types may change in any release.
 */
@NullMarked
package dev.cutover.replication.internal.jdbc;

import org.jspecify.annotations.NullMarked;
