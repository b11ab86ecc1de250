/** Internals of the JDBC flag store; not API. */
@NullMarked
package dev.cutover.flags.jdbc.internal;

import org.jspecify.annotations.NullMarked;
