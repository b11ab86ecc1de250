/**
 * Fixtures shared by Cutover's own tests: embedded PostgreSQL, MariaDB and H2, DynamoDB Local, a hand-moved clock and journal faults. Not published.
 */
@NullMarked
package dev.cutover.testsupport;

import org.jspecify.annotations.NullMarked;
