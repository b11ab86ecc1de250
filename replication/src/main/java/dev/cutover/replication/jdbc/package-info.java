/**
 * Replication over JDBC: a table or query as a segmented source, a table as a versioned target, and a table of backfill checkpoints, on PostgreSQL, MySQL, MariaDB and H2.
 */
@NullMarked
package dev.cutover.replication.jdbc;

import org.jspecify.annotations.NullMarked;
