/**
 * ArchUnit rules that the build enforces over every published Cutover module, each proven to fail
 * on a deliberately bad fixture in {@code dev.cutover.fixture}.
 */
@NullMarked
package dev.cutover.architecture;

import org.jspecify.annotations.NullMarked;
