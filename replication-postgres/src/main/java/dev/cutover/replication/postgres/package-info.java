/** Change data capture from PostgreSQL. */
@NullMarked
package dev.cutover.replication.postgres;

import org.jspecify.annotations.NullMarked;
