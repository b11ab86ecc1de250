/** A runnable tour of Cutover's flags: rollout, push, unison flip, bad data and outages. */
@NullMarked
package dev.cutover.examples.flags;

import org.jspecify.annotations.NullMarked;
