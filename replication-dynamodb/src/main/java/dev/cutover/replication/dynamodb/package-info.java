/**
 * DynamoDB for Cutover replication: the new table as a {@link
 * dev.cutover.replication.spi.VersionedTarget} with conditional writes, an old table read as
 * parallel-scan segments for the backfill, and an observer that follows the old table's DynamoDB
 * Stream with leased, checkpointed shards.
 *
 * <pre>{@code
 * DynamoDbVersionedTarget target = DynamoDbVersionedTarget.builder(dynamoDb, "orders-v2").build();
 * target.createTableIfMissing();
 * DynamoDbStreamReader reader = DynamoDbStreamReader
 *     .builder(streams, DynamoDbStreamReader.latestStreamArn(dynamoDb, "orders"), target::apply)
 *     .key(ItemKey.attribute("orderId"))
 *     .version(ItemVersion.attribute("version"))
 *     .checkpoints(DynamoDbShardCheckpointStore.builder(dynamoDb, "cutover-checkpoints").build())
 *     .build();
 * reader.start();
 * }</pre>
 */
@NullMarked
package dev.cutover.replication.dynamodb;

import org.jspecify.annotations.NullMarked;
