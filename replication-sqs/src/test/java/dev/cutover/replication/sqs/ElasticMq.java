package dev.cutover.replication.sqs;

import static org.awaitility.Awaitility.await;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One real ElasticMQ server per JVM (the SQS REST interface, in-process, on a free loopback port),
 * started on first use and stopped by a shutdown hook; and an SDK client pointed at it. A test
 * that cannot start it fails.
 */
final class ElasticMq {
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private static SQSRestServer server;
    private static URI endpoint;
    private static SqsAsyncClient client;

    private ElasticMq() {}

    /** The server's endpoint, {@code http://127.0.0.1:<port>}. */
    static synchronized URI endpoint() {
        if (server == null) {
            SQSRestServer started = SQSRestServerBuilder.withInterface("127.0.0.1")
                    .withDynamicPort()
                    .start();
            int port = started.waitUntilStarted().localAddress().getPort();
            server = started;
            endpoint = URI.create("http://127.0.0.1:" + port);
            Runtime.getRuntime().addShutdownHook(new Thread(started::stopAndWait, "elasticmq-stop"));
        }
        return endpoint;
    }

    /** A client of the server, shared by the tests of this JVM. */
    static synchronized SqsAsyncClient client() {
        if (client == null) {
            client = client(endpoint());
        }
        return client;
    }

    /** A new client of the ElasticMQ at {@code endpoint}. */
    static SqsAsyncClient client(URI endpoint) {
        return SqsAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** A new, empty queue no other test uses; FIFO names end in {@code .fifo}. */
    static String createQueue(String hint, boolean fifo) {
        return createQueue(hint, fifo, Map.of());
    }

    /** A new, empty queue with {@code attributes}. */
    static String createQueue(String hint, boolean fifo, Map<QueueAttributeName, String> attributes) {
        String name = hint + "-" + QUEUES.incrementAndGet() + (fifo ? ".fifo" : "");
        java.util.HashMap<QueueAttributeName, String> all = new java.util.HashMap<>(attributes);
        if (fifo) {
            all.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return client().createQueue(b -> b.queueName(name).attributes(all))
                .join()
                .queueUrl();
    }

    /** Deletes a queue; what a test created. */
    static void deleteQueue(String url) {
        client().deleteQueue(b -> b.queueUrl(url)).join();
    }

    /**
     * Polls {@code queue} (up to {@code maxChanges} a poll, long polling 1 s) and acknowledges each
     * delivery until {@code done} holds for all that was delivered so far; fails after {@code within}.
     */
    static List<Change> pollUntil(SqsChangeQueue queue, int maxChanges, Duration within, Predicate<List<Change>> done) {
        List<Change> delivered = new ArrayList<>();
        await().atMost(within).until(() -> {
            Delivery d = queue.poll(maxChanges, Duration.ofSeconds(1), Duration.ofMillis(20));
            delivered.addAll(d.changes());
            queue.ack(d);
            return done.test(delivered);
        });
        return delivered;
    }

    /** A queue on {@code url} configured for tests: redelivery after 2 s. */
    static SqsChangeQueue.Builder queue(String url) {
        return SqsChangeQueue.builder(client(), url).visibilityTimeout(Duration.ofSeconds(2));
    }
}
