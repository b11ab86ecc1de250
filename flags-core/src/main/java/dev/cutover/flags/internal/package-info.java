/**
 * Cutover's flag engine: codec, validation, compiled evaluation, snapshots, refresher, backup.
 * Not API: types here may change in any release without notice.
 */
@NullMarked
package dev.cutover.flags.internal;

import org.jspecify.annotations.NullMarked;
