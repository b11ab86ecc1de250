package dev.cutover.cli;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real stores the tests start themselves: one embedded PostgreSQL per JVM (a fresh database per
 * test), and DynamoDB Local as an HTTP server in this JVM, reached by the command line through
 * {@code --endpoint-override} like any endpoint.
 */
final class Stores {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static String endpoint;

    private Stores() {}

    /** A fresh PostgreSQL database. */
    static TestDatabase postgres(String hint) {
        return EmbeddedPostgresServer.get().createDatabase(hint);
    }

    /** The endpoint of DynamoDB Local, started on first use; credentials for it are set as system properties. */
    static synchronized String dynamoDbEndpoint() {
        if (endpoint == null) {
            int port = freePort();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
                server.start();
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> {
                                    try {
                                        server.stop();
                                    } catch (Exception e) {
                                        // the JVM is ending
                                    }
                                },
                                "dynamodb-local-stop"));
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
            }
            // the SDK's default chain reads these, as it reads AWS_ACCESS_KEY_ID in production
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
            endpoint = "http://localhost:" + port;
        }
        return endpoint;
    }

    /** The options that point the command line at DynamoDB Local. */
    static List<String> dynamoDbOptions() {
        return List.of("--region", "us-east-1", "--endpoint-override", dynamoDbEndpoint());
    }

    /** A client of DynamoDB Local for the tests' own checks and setup. */
    static DynamoDbClient dynamoDbClient() {
        return DynamoDbClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(dynamoDbEndpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
    }

    /** A table name no other test uses. */
    static String freshTable(String stem) {
        return stem + "-" + TABLES.incrementAndGet();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
