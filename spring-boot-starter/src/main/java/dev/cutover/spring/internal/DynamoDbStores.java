package dev.cutover.spring.internal;

import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.spring.CutoverProperties;
import org.springframework.beans.factory.ListableBeanFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The DynamoDB flag store on the application's client; loaded only when flags-dynamodb is present. */
final class DynamoDbStores {
    private DynamoDbStores() {}

    static FlagStore flagStore(CutoverProperties.DynamoDb dynamo, ListableBeanFactory beans, Settings settings) {
        DynamoDbClient client = Beans.named(
                beans, DynamoDbClient.class, dynamo.getClient(), "cutover.flags.dynamodb.client", "the flag store");
        DynamoDbFlagStore.Builder builder = settings.get(
                "cutover.flags.dynamodb.table",
                dynamo.getTable(),
                () -> DynamoDbFlagStore.builder(client, dynamo.getTable()));
        settings.apply(
                "cutover.flags.dynamodb.key-prefix",
                dynamo.getKeyPrefix(),
                () -> builder.keyPrefix(dynamo.getKeyPrefix()));
        DynamoDbFlagStore store = builder.build();
        if (dynamo.isCreateTable()) {
            store.createTableIfMissing();
        }
        return store;
    }
}
