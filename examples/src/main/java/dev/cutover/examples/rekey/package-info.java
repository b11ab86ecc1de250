/**
 * Migration 2, the primary-key change: an old DynamoDB table keyed by ids people typed and pasted
 * is copied to a new table keyed by the normalized id, from a newline-delimited dump and its
 * stream, while twelve services read and write through a dual-write proxy and switch tables in
 * unison through a stage flag in a DynamoDB flag table ({@link
 * dev.cutover.examples.rekey.RekeyMigration}).
 */
@NullMarked
package dev.cutover.examples.rekey;

import org.jspecify.annotations.NullMarked;
