package dev.cutover.replication.kafka.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * The clients' complete properties, and what {@code build()} checks on the cluster before a queue
 * exists: that the topic is there (or creates it), its record size limit, and the producer's
 * metadata of it. Every call here is bounded by the queue's close timeout.
 */
public final class TopicCheck {
    /**
     * What the cluster allows.
     *
     * @param maxRecordBytes the largest record: the smaller of the producer's {@code
     *     max.request.size} and the topic's {@code max.message.bytes}
     */
    public record Limits(int maxRecordBytes) {}

    private TopicCheck() {}

    /** The producer's properties: the queue's guarantees over the user's. */
    public static Map<String, Object> producerProperties(String servers, String name, Map<String, Object> user) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "cutover-" + name + "-producer");
        p.putAll(user);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return p;
    }

    /** The consumer's properties: no auto-commit, earliest for a new group, cooperative rebalances. */
    public static Map<String, Object> consumerProperties(
            String servers, String name, @Nullable String groupId, Map<String, Object> user) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cutover-" + name + "-consumer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Object protocol = user.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        boolean classic =
                protocol == null || protocol.toString().toLowerCase(Locale.ROOT).equals("classic");
        if (classic) {
            // a member that joins or leaves moves only the partitions that change hands
            p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        p.putAll(user);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return p;
    }

    /** The admin client's properties, for {@code build()}'s checks. */
    public static Map<String, Object> adminProperties(String servers, String name, Map<String, Object> user) {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "cutover-" + name + "-admin");
        p.putAll(user);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        return p;
    }

    /**
     * Checks the properties together and the topic on the cluster, creating it when {@code
     * partitions} is above 0 and it is missing.
     *
     * @throws IllegalArgumentException for properties that do not fit together
     * @throws IllegalStateException for a missing topic or a cluster that did not answer
     */
    public static Limits check(QueueSettings settings, int partitions, short replication) {
        int maxRequest;
        long bufferMemory;
        try {
            ProducerConfig producer = new ProducerConfig(withSerializers(settings.producer()));
            maxRequest = producer.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
            bufferMemory = producer.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG);
            if (settings.groupId() != null) {
                new ConsumerConfig(withDeserializers(settings.consumer()));
            }
        } catch (ConfigException e) {
            throw new IllegalArgumentException(
                    "Kafka properties of queue '" + settings.name() + "': " + e.getMessage(), e);
        }
        if (settings.maxInFlightBytes() > bufferMemory) {
            throw new IllegalArgumentException("maxInFlightBytes (" + settings.maxInFlightBytes()
                    + ") must not exceed the producer's buffer.memory (" + bufferMemory + ")");
        }
        int topicLimit = topicLimit(settings, partitions, replication);
        return new Limits(Math.min(maxRequest, topicLimit));
    }

    private static int topicLimit(QueueSettings settings, int partitions, short replication) {
        String topic = settings.topic();
        Duration timeout = settings.closeTimeout();
        try (Admin admin = Admin.create(settings.admin())) {
            try {
                await(admin.describeTopics(List.of(topic)).allTopicNames(), settings, "describing topic " + topic);
            } catch (UnknownTopicOrPartitionException e) {
                if (partitions < 1) {
                    throw new IllegalStateException(
                            "topic '" + topic + "' does not exist on " + settings.bootstrapServers()
                                    + ": create it, or call createTopicIfMissing(partitions, replicationFactor)");
                }
                try {
                    await(
                            admin.createTopics(List.of(new NewTopic(topic, partitions, replication)))
                                    .all(),
                            settings,
                            "creating topic " + topic);
                } catch (TopicExistsException raced) {
                    // another process created it meanwhile
                }
                awaitVisible(admin, settings);
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Map<ConfigResource, Config> configs = await(
                    admin.describeConfigs(List.of(resource)).all(), settings, "reading the configuration of " + topic);
            ConfigEntry entry = configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null ? Integer.MAX_VALUE : Integer.parseInt(entry.value());
        } catch (KafkaException e) {
            throw new IllegalStateException(
                    "checking topic '" + topic + "' on " + settings.bootstrapServers() + " within " + timeout
                            + " failed: " + e,
                    e);
        }
    }

    /**
     * Waits until a topic just created is known to the broker that answers metadata requests, with a
     * leader for every partition.
     */
    private static void awaitVisible(Admin admin, QueueSettings settings) {
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        while (true) {
            try {
                TopicDescription d = await(
                                admin.describeTopics(List.of(settings.topic())).allTopicNames(),
                                settings,
                                "describing topic")
                        .get(settings.topic());
                // a send to a partition whose leader is not elected yet fails, and an idempotent
                // producer's retry of it can then be refused as out of order until the delivery timeout
                if (d != null && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    // answered by each partition's leader: once it does, it takes sends too
                    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                    d.partitions()
                            .forEach(p ->
                                    ends.put(new TopicPartition(settings.topic(), p.partition()), OffsetSpec.latest()));
                    await(admin.listOffsets(ends).all(), settings, "reading the end offsets of " + settings.topic());
                    return;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException(
                            "topic '" + settings.topic() + "' was created but has partitions" + " without a leader on "
                                    + settings.bootstrapServers() + " after " + settings.closeTimeout());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            } catch (UnknownTopicOrPartitionException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("topic '" + settings.topic() + "' was created but not visible on "
                            + settings.bootstrapServers() + " within " + settings.closeTimeout());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    private static <T> T await(Future<T> future, QueueSettings settings, String what) {
        try {
            return future.get(settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaException k) {
                throw k;
            }
            throw new IllegalStateException(
                    what + " on " + settings.bootstrapServers() + " failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException(what + ": the cluster at " + settings.bootstrapServers()
                    + " did not answer within " + settings.closeTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    /** Creates the producer and waits for the topic's metadata (bounded by {@code max.block.ms}). */
    public static KafkaProducer<byte[], byte[]> producer(QueueSettings settings) {
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(settings.producer(), new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.partitionsFor(settings.topic());
            return producer;
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException(
                    "the producer found no metadata of topic '" + settings.topic() + "' on "
                            + settings.bootstrapServers() + ": " + e,
                    e);
        }
    }

    private static Map<String, Object> withSerializers(Map<String, Object> p) {
        Map<String, Object> m = new HashMap<>(p);
        m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return m;
    }

    private static Map<String, Object> withDeserializers(Map<String, Object> p) {
        Map<String, Object> m = new HashMap<>(p);
        m.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        m.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        return m;
    }
}
