/**
 * The engine of the SQS change queue: the message codec, the batching sender, the receiver with
 * its dead-letter path, and the cached depth. Not an API: anything here may change in any release.
 */
@NullMarked
package dev.cutover.replication.sqs.internal;

import org.jspecify.annotations.NullMarked;
