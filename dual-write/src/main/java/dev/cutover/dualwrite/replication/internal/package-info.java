/** Internals of replication; not API. */
@NullMarked
package dev.cutover.dualwrite.replication.internal;

import org.jspecify.annotations.NullMarked;
