package dev.cutover.examples.rekey;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local in this process, with Streams: nothing to install or start. In production the
 * same code takes the AWS SDK's {@code DynamoDbClient.create()} and {@code
 * DynamoDbStreamsClient.create()} instead.
 *
 * <p>DynamoDB Local keeps a few non-daemon pool threads after {@link #close()}; a main method
 * that used it ends with {@code System.exit}.
 */
final class EmbeddedDynamoDb implements AutoCloseable {
    /** DynamoDB Local's AWS SDK v1 warns that JAXB is missing, which only its XML paths use. */
    private static final Logger SDK_V1 = Logger.getLogger("com.amazonaws");

    static {
        SDK_V1.setLevel(Level.SEVERE);
    }

    private final AmazonDynamoDBLocal local;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    private EmbeddedDynamoDb(AmazonDynamoDBLocal local) {
        this.local = local;
        this.client = local.dynamoDbClient();
        this.streams = local.dynamoDbStreamsClient();
    }

    /** Starts an empty in-memory DynamoDB Local; {@code create(true)} turns its telemetry off. */
    static EmbeddedDynamoDb start() {
        return new EmbeddedDynamoDb(DynamoDBEmbedded.create(true));
    }

    DynamoDbClient client() {
        return client;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
