/**
 * A Cutover flag store on one DynamoDB table.
 *
 * <pre>{@code
 * DynamoDbFlagStore store = DynamoDbFlagStore.builder(dynamoDb, "cutover-flags").build();
 * store.createTableIfMissing();
 * FlagClient flags = FlagClient.builder(store).build();
 * }</pre>
 */
@NullMarked
package dev.cutover.flags.dynamodb;

import org.jspecify.annotations.NullMarked;
