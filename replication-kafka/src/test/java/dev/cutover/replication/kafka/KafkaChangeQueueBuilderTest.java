package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cutover.replication.spi.ChangeQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every setting checked when given, naming the bad value; the build's checks on the cluster; the metrics. */
class KafkaChangeQueueBuilderTest {

    @Test
    void badSettingsAreRefusedAtOnceNamingTheValue() {
        assertThatThrownBy(() -> KafkaChangeQueue.builder("localhost", "t")).hasMessageContaining("entry 'localhost'");
        assertThatThrownBy(() -> KafkaChangeQueue.builder("a:9092,b:99999", "t"))
                .hasMessageContaining("entry 'b:99999'");
        assertThatThrownBy(() -> KafkaChangeQueue.builder(" ", "t")).hasMessageContaining("blank");
        assertThatThrownBy(() -> KafkaChangeQueue.builder("a:9092", "bad topic"))
                .hasMessageContaining("'bad topic'");
        assertThatThrownBy(() -> KafkaChangeQueue.builder("a:9092", "..")).hasMessageContaining("'..'");

        KafkaChangeQueue.Builder b = KafkaChangeQueue.builder("a:9092,[::1]:9093", "orders");
        assertThatThrownBy(() -> b.groupId(" ")).hasMessageContaining("groupId").hasMessageContaining("' '");
        assertThatThrownBy(() -> b.name("no spaces")).hasMessageContaining("'no spaces'");
        assertThatThrownBy(() -> b.maxInFlightBytes(10)).hasMessageContaining("but was 10");
        assertThatThrownBy(() -> b.buffered(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.ackTimeout(Duration.ZERO)).hasMessageContaining("ackTimeout must be positive");
        assertThatThrownBy(() -> b.commitInterval(Duration.ofMillis(-1))).hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> b.closeTimeout(Duration.ZERO)).hasMessageContaining("closeTimeout");
        assertThatThrownBy(() -> b.createTopicIfMissing(0, 1))
                .hasMessageContaining("partitions must be >= 1 but was 0");
        assertThatThrownBy(() -> b.createTopicIfMissing(1, 0)).hasMessageContaining("but was 0");
    }

    @Test
    void propertiesTheQueueReliesOnUnknownOrOfTheWrongTypeAreRefused() {
        KafkaChangeQueue.Builder b = KafkaChangeQueue.builder("a:9092", "orders");
        assertThatThrownBy(() -> b.consumerProperty("enable.auto.commit", true))
                .hasMessageContaining("'enable.auto.commit' cannot be set")
                .hasMessageContaining("acknowledged");
        assertThatThrownBy(() -> b.producerProperty("acks", "1")).hasMessageContaining("'acks' cannot be set");
        assertThatThrownBy(() -> b.clientProperty("bootstrap.servers", "x:1"))
                .hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> b.clientProperty("group.id", "g")).hasMessageContaining("groupId(...)");
        assertThatThrownBy(() -> b.producerProperty("enable.idempotence", false))
                .hasMessageContaining("idempotence");
        assertThatThrownBy(() -> b.producerProperty("linger.mz", 5))
                .hasMessageContaining("'linger.mz' is not a property of the producer client");
        assertThatThrownBy(() -> b.consumerProperty("linger.ms", 5))
                .hasMessageContaining("'linger.ms' is not a property of the consumer client");
        assertThatThrownBy(() -> b.producerProperty("linger.ms", "soon"))
                .hasMessageContaining("'linger.ms' has a bad value 'soon'");
        assertThatThrownBy(() -> b.consumerProperty("max.poll.records", 0))
                .hasMessageContaining("'max.poll.records' has a bad value '0'");
        // known to the producer and the consumer alike: passed to both
        b.clientProperty("client.dns.lookup", "use_all_dns_ips");
        b.consumerProperty("max.poll.records", 100);
    }

    @Test
    void theBuildChecksTheTopicAndTheWindowOnTheCluster() throws Exception {
        String servers = KafkaBroker.get().bootstrapServers();
        assertThatThrownBy(
                        () -> KafkaChangeQueue.builder(servers, "no-such-topic").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("topic 'no-such-topic' does not exist on " + servers)
                .hasMessageContaining("createTopicIfMissing");
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("builder"), 1);
        assertThatThrownBy(() -> KafkaChangeQueue.builder(servers, topic)
                        .maxInFlightBytes(64L << 20)
                        .build())
                .hasMessageContaining("maxInFlightBytes (67108864) must not exceed the producer's buffer.memory");
    }

    @Test
    void aQueueWithoutAGroupOnlySendsAndRefusesAForeignDelivery() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("send-only"), 1);
        try (KafkaChangeQueue sender = Queues.on(topic).build();
                KafkaChangeQueue consumer =
                        Queues.on(topic).groupId(topic + "-g").build()) {
            assertThat(sender.poll(10, Duration.ofMillis(50), Duration.ZERO).changes())
                    .isEmpty();
            assertThat(sender.depth()).isEqualTo(-1);
            Queues.send(sender, Queues.changes("s", 3));
            ChangeQueue.Delivery d = Queues.take(consumer, 3).get(0);
            assertThatThrownBy(() -> sender.ack(d))
                    .hasMessageContaining("not a delivery of kafka queue '" + topic + "'");
            consumer.ack(d);
        }
    }

    @Test
    void theMetricsShowTheCounts() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("metrics"), 2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaChangeQueue queue =
                Queues.on(topic).groupId(topic + "-g").name("orders").build()) {
            KafkaChangeQueueMetrics.of(queue, List.of(io.micrometer.core.instrument.Tag.of("migration", "m1")))
                    .bindTo(registry);
            Queues.send(queue, Queues.changes("m", 25));
            Queues.take(queue, 25).forEach(queue::ack);

            assertThat(registry.get("cutover.queue.kafka.offers")
                            .tags("result", "accepted", "queue", "orders", "topic", topic, "migration", "m1")
                            .functionCounter()
                            .count())
                    .isEqualTo(25);
            assertThat(registry.get("cutover.queue.kafka.sends")
                            .tag("result", "acknowledged")
                            .functionCounter()
                            .count())
                    .isEqualTo(25);
            assertThat(registry.get("cutover.queue.kafka.acknowledged")
                            .functionCounter()
                            .count())
                    .isEqualTo(25);
            assertThat(registry.get("cutover.queue.kafka.deliveries")
                            .functionCounter()
                            .count())
                    .isEqualTo(queue.counts().delivered());
            await().atMost(Queues.DEADLINE)
                    .until(() -> registry.get("cutover.queue.kafka.partitions")
                                    .gauge()
                                    .value()
                            == 2.0);
            assertThat(registry.get("cutover.queue.kafka.rejected")
                            .functionCounter()
                            .count())
                    .isZero();
        }
    }
}
