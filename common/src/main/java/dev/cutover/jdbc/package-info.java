/**
 * Which SQL database a JDBC connection talks to, detected once from its product name, for the journal and the stores of replication.
 */
@NullMarked
package dev.cutover.jdbc;

import org.jspecify.annotations.NullMarked;
