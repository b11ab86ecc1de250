/**
 * The failed-write journal: shadow writes that did not succeed, kept so reconciliation can repair
 * exactly those keys.
 *
 * <p>{@link dev.cutover.dualwrite.journal.FailedWriteJournal} is the SPI the dual-write proxy
 * appends to; {@link dev.cutover.dualwrite.journal.InMemoryFailedWriteJournal} serves tests and
 * {@link dev.cutover.dualwrite.journal.JdbcFailedWriteJournal} keeps entries in a table on
 * PostgreSQL, MySQL/MariaDB or H2.
 */
@NullMarked
package dev.cutover.dualwrite.journal;

import org.jspecify.annotations.NullMarked;
