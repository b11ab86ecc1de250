/**
 * The engine of the Kafka change queue: the record format, the per-partition ledger of fetched
 * and acknowledged offsets, the consumer thread, the window of unacknowledged sends and the
 * recorder of refused records. Not an API: anything here may change in any release.
 */
@NullMarked
package dev.cutover.replication.kafka.internal;

import org.jspecify.annotations.NullMarked;
