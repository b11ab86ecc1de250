/** Internals of dual-write; not API. */
@NullMarked
package dev.cutover.dualwrite.internal;

import org.jspecify.annotations.NullMarked;
