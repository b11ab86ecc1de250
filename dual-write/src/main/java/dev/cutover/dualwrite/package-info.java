/** Migrate a repository from an old store to a new one behind a flag: {@link dev.cutover.dualwrite.DualWrite} wraps both implementations of its interface into one proxy. */
@NullMarked
package dev.cutover.dualwrite;

import org.jspecify.annotations.NullMarked;
