/**
 * The main job of the examples: both seed migrations, run end to end on embedded real stores
 * ({@link dev.cutover.examples.Main}).
 */
@NullMarked
package dev.cutover.examples;

import org.jspecify.annotations.NullMarked;
