/**
 * The engine of the DynamoDB replication module: attribute conversion, scan tokens, throttling
 * retries, parallel conditional writes and the stream shard follower. Not an API: anything here
 * may change in any release.
 */
@NullMarked
package dev.cutover.replication.dynamodb.internal;

import org.jspecify.annotations.NullMarked;
