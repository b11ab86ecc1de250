package dev.cutover.dualwrite.e2e;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The new store: one item per customer in a DynamoDB table keyed by {@code id}; tags as a string
 * set (absent when empty, since DynamoDB has no empty sets), {@code updatedAt} as epoch millis.
 * Reads are strongly consistent. {@code listByTier} scans with a filter, which is fine for a few
 * hundred items; a real table would query a tier index.
 */
final class DynamoDbCustomerRepository implements CustomerRepository {
    private final DynamoDbClient dynamo;
    private final String table;

    DynamoDbCustomerRepository(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    void createTable() {
        dynamo.createTable(b -> b.tableName(table)
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }

    @Override
    public Optional<Customer> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(table).key(key(id)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(customer(item));
    }

    @Override
    public List<Customer> listByTier(String tier) {
        List<Customer> rows = scan(ScanRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .filterExpression("#tier = :tier")
                .expressionAttributeNames(Map.of("#tier", "tier"))
                .expressionAttributeValues(Map.of(":tier", AttributeValue.fromS(tier))));
        rows.sort(Comparator.comparing(Customer::id));
        return rows;
    }

    /** Every customer, by id: for the test's checks. */
    List<Customer> all() {
        List<Customer> rows = scan(ScanRequest.builder().tableName(table).consistentRead(true));
        rows.sort(Comparator.comparing(Customer::id));
        return rows;
    }

    private List<Customer> scan(ScanRequest.Builder request) {
        List<Customer> rows = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.scan(request.exclusiveStartKey(start).build());
            page.items().forEach(item -> rows.add(customer(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return rows;
    }

    @Override
    public Customer save(Customer customer) {
        Map<String, AttributeValue> item = new HashMap<>(key(customer.id()));
        item.put("name", AttributeValue.fromS(customer.name()));
        item.put("tier", AttributeValue.fromS(customer.tier()));
        if (!customer.tags().isEmpty()) {
            item.put("tags", AttributeValue.fromSs(customer.tags()));
        }
        item.put(
                "updatedAt",
                AttributeValue.fromN(Long.toString(customer.updatedAt().toEpochMilli())));
        dynamo.putItem(b -> b.tableName(table).item(item));
        return customer;
    }

    @Override
    public void delete(String id) {
        dynamo.deleteItem(b -> b.tableName(table).key(key(id)));
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    private static Customer customer(Map<String, AttributeValue> item) {
        AttributeValue tags = item.get("tags");
        return new Customer(
                item.get("id").s(),
                item.get("name").s(),
                item.get("tier").s(),
                tags == null ? List.of() : tags.ss(),
                Instant.ofEpochMilli(Long.parseLong(item.get("updatedAt").n())));
    }
}
