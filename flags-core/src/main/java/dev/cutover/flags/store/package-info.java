/**
 * Flag stores that ship with the core: {@link dev.cutover.flags.store.InMemoryFlagStore} for tests
 * and embedded use, and {@link dev.cutover.flags.store.JsonFileFlagStore} for a JSON file that is
 * reloaded when it changes.
 */
@NullMarked
package dev.cutover.flags.store;

import org.jspecify.annotations.NullMarked;
