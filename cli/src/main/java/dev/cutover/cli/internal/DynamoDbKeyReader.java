package dev.cutover.cli.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.ItemVersion;
import dev.cutover.replication.spi.KeyReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Reads one item of a plain old DynamoDB table by key, as its scan source reads it (the whole item
 * as the payload): possible when the key attribute is the table's only key (its partition key).
 */
final class DynamoDbKeyReader implements KeyReader {
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String keyAttribute;
    private final boolean numericKey;
    private final ItemVersion version;

    private DynamoDbKeyReader(
            DynamoDbClient dynamoDb, String table, String keyAttribute, boolean numericKey, ItemVersion version) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.keyAttribute = keyAttribute;
        this.numericKey = numericKey;
        this.version = version;
    }

    /** A reader, or null when the table's primary key is not the key attribute alone. */
    static @Nullable DynamoDbKeyReader of(
            DynamoDbClient dynamoDb, String table, String keyAttribute, ItemVersion version) {
        TableDescription d = dynamoDb.describeTable(b -> b.tableName(table)).table();
        List<KeySchemaElement> schema = d.keySchema();
        if (schema.size() != 1 || !schema.get(0).attributeName().equals(keyAttribute)) {
            return null;
        }
        boolean numeric = d.attributeDefinitions().stream()
                .filter(a -> a.attributeName().equals(keyAttribute))
                .map(AttributeDefinition::attributeTypeAsString)
                .anyMatch("N"::equals);
        return new DynamoDbKeyReader(dynamoDb, table, keyAttribute, numeric, version);
    }

    @Override
    public Optional<Change> read(String key) {
        AttributeValue k = numericKey ? AttributeValue.fromN(key) : AttributeValue.fromS(key);
        Map<String, AttributeValue> item = dynamoDb.getItem(
                        b -> b.tableName(table).key(Map.of(keyAttribute, k)).consistentRead(true))
                .item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Change.upsert(key, version.of(item), DynamoDbJson.toJson(item)));
    }
}
