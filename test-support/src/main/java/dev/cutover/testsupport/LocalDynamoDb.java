package dev.cutover.testsupport;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local, in-process, started once per test JVM by the tests themselves; {@code
 * create(true)} turns its telemetry off.
 */
public final class LocalDynamoDb {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static AmazonDynamoDBLocal local;

    private LocalDynamoDb() {}

    public static synchronized DynamoDbStreamsClient streams() {
        client();
        return local.dynamoDbStreamsClient();
    }

    public static synchronized DynamoDbClient client() {
        if (local == null) {
            local = DynamoDBEmbedded.create(true);
            AmazonDynamoDBLocal started = local;
            Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown, "dynamodb-local-shutdown"));
        }
        return local.dynamoDbClient();
    }

    /** A table name no other test uses. */
    public static String freshTable(String stem) {
        return stem + "-" + TABLES.incrementAndGet();
    }
}
