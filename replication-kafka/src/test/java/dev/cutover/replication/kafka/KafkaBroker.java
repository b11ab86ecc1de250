package dev.cutover.replication.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Kafka broker per test JVM: a KRaft node that is broker and controller at once
 * ({@code KafkaClusterTestKit}), started on first use (some 5 s on 2 cores) and shared by every
 * test class; closed by a JVM shutdown hook. Group settings are made for tests: no initial
 * rebalance delay, and session timeouts down to one second allowed, so that a member that dies
 * loses its partitions within seconds. If the first start failed, every call throws that failure.
 */
final class KafkaBroker {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static KafkaBroker instance;
    private static RuntimeException startFailure;

    private final KafkaClusterTestKit cluster;
    private final Admin admin;
    private final Duration startTime;

    private KafkaBroker(KafkaClusterTestKit cluster, Duration startTime) {
        this.cluster = cluster;
        this.admin = cluster.admin();
        this.startTime = startTime;
    }

    /** The broker of this JVM, started on the first call. */
    static synchronized KafkaBroker get() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (instance == null) {
            long started = System.nanoTime();
            try {
                TestKitNodes nodes = new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build();
                KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "5")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("group.min.session.timeout.ms", "1000")
                        .setConfigProp("auto.create.topics.enable", "false")
                        .build();
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                KafkaBroker broker = new KafkaBroker(cluster, Duration.ofNanos(System.nanoTime() - started));
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
                LOG.info(
                        "Kafka broker (KRaft, combined node) up at {} in {} ms",
                        cluster.bootstrapServers(),
                        broker.startTime.toMillis());
                instance = broker;
            } catch (Exception e) {
                startFailure = new IllegalStateException("the in-JVM Kafka broker did not start", e);
                throw startFailure;
            }
        }
        return instance;
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** How long the first start took. */
    Duration startTime() {
        return startTime;
    }

    Admin admin() {
        return admin;
    }

    /** A topic name unique in this JVM: {@code hint} plus a counter. */
    static String uniqueName(String hint) {
        return hint + "-" + NAMES.incrementAndGet();
    }

    /** Creates {@code topic} with {@code partitions} partitions and returns its name. */
    String createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        // the first sends of an idempotent producer to a partition whose leader is not serving yet can be
        // refused as out of order until their delivery timeout: wait until every leader answers
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() ->
                        admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).size() == partitions);
        return topic;
    }

    private void close() {
        try {
            admin.close(Duration.ofSeconds(5));
            cluster.close();
        } catch (Exception e) {
            LOG.warn("closing the Kafka broker failed", e);
        }
    }
}
