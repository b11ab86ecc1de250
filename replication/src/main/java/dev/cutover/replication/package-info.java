/**
 * Replication from the old store to the new one: one versioned apply shared by the observer on
 * the live event stream, the backfill of history and the repair after reconciliation.
 *
 * <p>Every path writes {@link dev.cutover.replication.Change}s through a {@link
 * dev.cutover.replication.spi.VersionedTarget}: a change lands only if its version is newer
 * than the stored one, deletes leave tombstones carrying their version, and nothing takes a lock,
 * so changes may arrive in any order, any number of times, from any number of processes.
 */
@NullMarked
package dev.cutover.replication;

import org.jspecify.annotations.NullMarked;
