/**
 * What replication reads and writes through, for implementing a store of your own: the versioned target, the segmented source, the key reader, the change queue and the checkpoint stores. cutover-testkit has a contract test for each.
 */
@NullMarked
package dev.cutover.replication.spi;

import org.jspecify.annotations.NullMarked;
