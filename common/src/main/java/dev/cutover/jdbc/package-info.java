/**
 * Which SQL database a JDBC connection talks to, detected once from its product name: the {@link
 * dev.cutover.jdbc.SqlDialect} of the failed-write journal and of replication's JDBC stores.
 */
@NullMarked
package dev.cutover.jdbc;

import org.jspecify.annotations.NullMarked;
