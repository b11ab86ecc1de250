/**
 * The failed-write journal: shadow writes that did not succeed, kept so reconciliation can repair
 * exactly those keys.
 *
 * <p>{@link dev.cutover.journal.FailedWriteJournal} is the SPI the dual-write proxy
 * appends to; {@link dev.cutover.journal.InMemoryFailedWriteJournal} serves tests and
 * {@link dev.cutover.journal.JdbcFailedWriteJournal} keeps entries in a table on
 * PostgreSQL, MySQL/MariaDB or H2.
 */
@NullMarked
package dev.cutover.journal;

import org.jspecify.annotations.NullMarked;
