/**
 * An AWS Lambda function for a DynamoDB Streams event source: each batch of the old table's
 * stream records becomes Cutover changes, applied through a versioned target, with partial batch
 * failures reported by sequence number. Needs {@code com.amazonaws:aws-lambda-java-core} and
 * {@code com.amazonaws:aws-lambda-java-events}, optional dependencies of this module.
 *
 * <pre>{@code
 * public final class OrdersSync extends DynamoDbStreamsHandler {
 *   public OrdersSync() {
 *     super(DynamoDbStreamsHandler.builder(
 *             DynamoDbVersionedTarget.builder(DynamoDbClient.create(), "orders-v2").build())
 *         .key(ItemKey.attribute("id"))
 *         .version(ItemVersion.attribute("version")));
 *   }
 * }
 * }</pre>
 */
@NullMarked
package dev.cutover.replication.dynamodb.lambda;

import org.jspecify.annotations.NullMarked;
