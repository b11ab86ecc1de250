/**
 * Fixtures shared by Cutover's own tests: embedded PostgreSQL, MariaDB and H2 ({@link
 * dev.cutover.testsupport.DatabaseKind}), with pooled databases ({@link
 * dev.cutover.testsupport.SharedDatabases}) and a fresh table per try ({@link
 * dev.cutover.testsupport.FreshTables}); DynamoDB Local, with faults in front of its clients; a
 * hand-moved clock; journal faults and the chaos schedule. Not published.
 */
@NullMarked
package dev.cutover.testsupport;

import org.jspecify.annotations.NullMarked;
