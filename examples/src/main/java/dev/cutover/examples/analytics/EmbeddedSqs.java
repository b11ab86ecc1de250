package dev.cutover.examples.analytics;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * An SQS server in-process (ElasticMQ, the SQS REST interface on a free loopback port) and a client
 * of it, for {@code --queue sqs}: the story's message queue, with no AWS account. Closing stops both.
 */
final class EmbeddedSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final SqsAsyncClient client;

    private EmbeddedSqs(SQSRestServer server, SqsAsyncClient client) {
        this.server = server;
        this.client = client;
    }

    static EmbeddedSqs start() {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        SqsAsyncClient client = SqsAsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        return new EmbeddedSqs(server, client);
    }

    SqsAsyncClient client() {
        return client;
    }

    /** Creates a queue; returns its URL. */
    String createQueue(String name) {
        return client.createQueue(b -> b.queueName(name)).join().queueUrl();
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
