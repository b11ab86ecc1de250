/** The commands, options and output of the {@code cutover} command line; not API, may change in any release. */
@NullMarked
package dev.cutover.cli.internal;

import org.jspecify.annotations.NullMarked;
