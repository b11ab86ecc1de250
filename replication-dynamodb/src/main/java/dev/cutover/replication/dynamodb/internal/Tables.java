package dev.cutover.replication.dynamodb.internal;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/** Table creation, for the versioned target and the shard checkpoint store. */
public final class Tables {
    private Tables() {}

    /**
     * Creates {@code table} with a string partition key {@code partitionKey}, on-demand, with a
     * stream of new and old images when {@code stream}, unless it exists; waits until it is active.
     */
    public static void createIfMissing(DynamoDbClient dynamoDb, String table, String partitionKey, boolean stream) {
        try {
            dynamoDb.createTable(r -> {
                r.tableName(table)
                        .keySchema(KeySchemaElement.builder()
                                .attributeName(partitionKey)
                                .keyType(KeyType.HASH)
                                .build())
                        .attributeDefinitions(AttributeDefinition.builder()
                                .attributeName(partitionKey)
                                .attributeType(ScalarAttributeType.S)
                                .build())
                        .billingMode(BillingMode.PAY_PER_REQUEST);
                if (stream) {
                    r.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
                }
            });
        } catch (ResourceInUseException e) {
            // exists already
        }
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(table));
    }
}
