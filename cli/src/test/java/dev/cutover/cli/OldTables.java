package dev.cutover.cli;

import dev.cutover.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Old stores as applications keep them: a plain table {@code (id, version, name, amount)}, in SQL or DynamoDB. */
final class OldTables {
    private OldTables() {}

    static String key(int i) {
        return String.format("k%04d", i);
    }

    /** A PostgreSQL table with {@code rows} rows, keys k0000 upwards, version 1. */
    static void jdbc(TestDatabase db, String table, int rows) throws SQLException {
        sql(
                db,
                "CREATE TABLE " + table + " (id VARCHAR(16) PRIMARY KEY, version BIGINT NOT NULL,"
                        + " name VARCHAR(64) NOT NULL, amount BIGINT NOT NULL)");
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, 1, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, key(i));
                ps.setString(2, "name " + i);
                ps.setLong(3, i * 10L);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The command-line options naming a plain old table {@code source} (key {@code id}, version
     * {@code version}) and a versioned new table {@code target}, both in {@code db}; a mutable list
     * to add options to.
     */
    static java.util.List<String> jdbcSides(TestDatabase db, String source, String target) {
        return new java.util.ArrayList<>(java.util.List.of(
                "--source-jdbc-url",
                db.jdbcUrl(),
                "--source-user",
                db.user(),
                "--source-table",
                source,
                "--source-key",
                "id",
                "--source-version",
                "version",
                "--target-jdbc-url",
                db.jdbcUrl(),
                "--target-user",
                db.user(),
                "--target-table",
                target));
    }

    static void sql(TestDatabase db, String... statements) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** A DynamoDB table keyed by {@code id} with {@code rows} items, version 1. */
    static void dynamoDb(DynamoDbClient client, String table, int rows) {
        client.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("id")
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName("id")
                        .keyType(KeyType.HASH)
                        .build()));
        for (int i = 0; i < rows; i++) {
            put(client, table, key(i), 1, "name " + i);
        }
    }

    static void put(DynamoDbClient client, String table, String key, long version, String name) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(key));
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        item.put("name", AttributeValue.fromS(name));
        client.putItem(b -> b.tableName(table).item(item));
    }
}
