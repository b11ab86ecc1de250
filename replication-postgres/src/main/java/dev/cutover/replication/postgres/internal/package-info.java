/**
 * The engine of the PostgreSQL change data capture: source checks, the Debezium engine's
 * configuration and handler, row conversion, versions and the offset store over a Cutover
 * checkpoint store. Not an API: anything here may change in any release.
 */
@NullMarked
package dev.cutover.replication.postgres.internal;

import org.jspecify.annotations.NullMarked;
