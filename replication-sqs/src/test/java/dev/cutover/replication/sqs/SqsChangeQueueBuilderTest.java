package dev.cutover.replication.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** Each setting is checked when set, and the bad value is named. */
class SqsChangeQueueBuilderTest {
    private static final String URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";
    private static final String FIFO_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo";

    private static final SqsAsyncClient CLIENT =
            SqsAsyncClient.builder().region(Region.EU_WEST_1).build();

    @Test
    void badValuesAreNamed() {
        refused(b -> SqsChangeQueue.builder(CLIENT, "orders"), "queueUrl must be an http(s) URL", "'orders'");
        refused(
                b -> SqsChangeQueue.builder(CLIENT, "https://sqs.eu-west-1.amazonaws.com/1/"),
                "ending in the queue's name");
        refused(b -> b.deadLetterQueue(URL), "must be another queue");
        refused(b -> b.deadLetterQueue(URL + "-dead.fifo"), "must be a standard queue", "orders-dead.fifo");
        refused(b -> b.maxReceives(0), "maxReceives must be 1 to 1000 but was 0");
        refused(b -> b.maxReceives(1001), "but was 1001");
        refused(b -> b.visibilityTimeout(Duration.ofMillis(1500)), "whole seconds", "PT1.5S");
        refused(b -> b.visibilityTimeout(Duration.ofHours(13)), "but was PT13H");
        refused(b -> b.maxMessageBytes(1023), "maxMessageBytes must be 1024 to 1048576 but was 1023");
        refused(b -> b.maxMessageBytes(1_048_577), "but was 1048577");
        refused(b -> b.sendBuffer(0), "sendBuffer must be 1 to 1000000 but was 0");
        refused(b -> b.sendsInFlight(65), "sendsInFlight must be 1 to 64 but was 65");
        refused(b -> b.receivesInFlight(0), "receivesInFlight must be 1 to 64 but was 0");
        refused(b -> b.sendRetry(0, Duration.ofMillis(1)), "send attempts must be 1 to 100 but was 0");
        refused(b -> b.sendRetry(3, Duration.ZERO), "initialBackoff must be positive but was PT0S");
        refused(b -> b.depthCacheFor(Duration.ofMinutes(-1)), "depthCacheFor must be 0 to 1 h but was PT-1M");
        refused(b -> b.closeTimeout(Duration.ofSeconds(-1)), "closeTimeout must be >= 0 but was PT-1S");
        refused(b -> b.name("orders queue"), "but was 'orders queue'");
    }

    @Test
    void aFifoQueueNeedsAFifoDeadLetterQueue() {
        assertThatThrownBy(() -> SqsChangeQueue.builder(CLIENT, FIFO_URL).deadLetterQueue(URL + "-dead"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a FIFO queue");
        try (SqsChangeQueue q = SqsChangeQueue.builder(CLIENT, FIFO_URL)
                .deadLetterQueue(URL + "-dead.fifo")
                .build()) {
            assertThat(q.fifo()).isTrue();
            assertThat(q.name()).isEqualTo("orders.fifo");
            assertThat(q).hasToString("SQS change queue 'orders.fifo' (FIFO)");
        }
    }

    @Test
    void theMetricsBinderPublishesTheCounts() {
        try (SqsChangeQueue q =
                SqsChangeQueue.builder(CLIENT, URL).name("orders-changes").build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            SqsChangeQueueMetrics.of(q).bindTo(registry);
            for (String name :
                    new String[] {"sent", "send.failed", "received", "redelivered", "acked", "dead.lettered", "rejected"
                    }) {
                assertThat(registry.get("cutover.replication.sqs." + name)
                                .tag("queue", "orders-changes")
                                .functionCounter()
                                .count())
                        .as(name)
                        .isZero();
            }
            assertThat(registry.get("cutover.replication.sqs.buffered").gauge().value())
                    .isZero();
        }
    }

    private static void refused(
            java.util.function.Function<SqsChangeQueue.Builder, Object> setting, String... expected) {
        Consumer<SqsChangeQueue.Builder> call = setting::apply;
        assertThatThrownBy(() -> call.accept(SqsChangeQueue.builder(CLIENT, URL)))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    for (String part : expected) {
                        assertThat(e.getMessage()).contains(part);
                    }
                });
    }
}
