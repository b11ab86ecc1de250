package dev.cutover.replication.kafka.internal;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The checks of a queue's settings and the Kafka client properties passed through, each made when
 * the setting is given and naming the bad value: a property must be one the client knows, of the
 * type it expects, and not one the queue sets itself for its guarantees.
 */
public final class ClientProperties {
    /** Which client a property is for. */
    public enum Client {
        PRODUCER,
        CONSUMER,
        ADMIN
    }

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern SERVER = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^\\s:,\\[\\]]+):(\\d{1,5})");

    /** Set by the queue, with why; never passed through. */
    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry(CommonNames.BOOTSTRAP, "set by builder(bootstrapServers, topic)"),
            Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "set by groupId(...)"),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the queue writes its own record format"),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the queue writes its own record format"),
            Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "the queue reads its own record format"),
            Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "the queue reads its own record format"),
            Map.entry(
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    "the queue commits an offset only after every record before it was acknowledged"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "an accepted change needs acks=all to survive a broker's loss"),
            Map.entry(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    "retried sends must not write a change twice out of order"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the queue does not send in transactions"));

    private static final ConfigDef PRODUCER = ProducerConfig.configDef();
    private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
    private static final ConfigDef ADMIN = AdminClientConfig.configDef();

    private ClientProperties() {}

    /** The names shared by every client. */
    static final class CommonNames {
        static final String BOOTSTRAP = "bootstrap.servers";

        private CommonNames() {}
    }

    /**
     * Checks {@code servers}: {@code host:port} entries separated by commas.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static String servers(String servers) {
        if (servers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must be host:port[,host:port...] but was blank");
        }
        for (String entry : servers.split(",", -1)) {
            var m = SERVER.matcher(entry.trim());
            int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("bootstrapServers must be host:port[,host:port...] but entry '"
                        + entry.trim() + "' of '" + servers + "' is not");
            }
        }
        return servers;
    }

    /**
     * Checks a topic name as Kafka does: 1 to 249 of {@code a-z A-Z 0-9 . _ -}, not {@code .} or {@code ..}.
     *
     * @throws IllegalArgumentException naming the bad name
     */
    public static String topic(String topic) {
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException(
                    "topic must be 1 to 249 of a-z A-Z 0-9 . _ - (and not . or ..) but was '" + topic + "'");
        }
        return topic;
    }

    /**
     * Checks a property for {@code clients}: known to at least one of them, not reserved, and of the
     * type each that knows it expects.
     *
     * @return the clients that know it (those it is passed to)
     * @throws IllegalArgumentException naming the property and the value
     */
    public static Set<Client> check(String name, Object value, Set<Client> clients) {
        String why = RESERVED.get(name);
        if (why != null) {
            throw new IllegalArgumentException("Kafka property '" + name + "' cannot be set on a change queue: " + why);
        }
        Set<Client> knowing = new java.util.HashSet<>();
        for (Client c : clients) {
            ConfigDef def = definition(c);
            if (def.names().contains(name)) {
                knowing.add(c);
                ConfigDef.ConfigKey key = def.configKeys().get(name);
                try {
                    Object parsed = ConfigDef.parseType(name, value, key.type);
                    if (key.validator != null) {
                        key.validator.ensureValid(name, parsed);
                    }
                } catch (ConfigException e) {
                    throw new IllegalArgumentException(
                            "Kafka property '" + name + "' has a bad value '" + value + "': " + e.getMessage(), e);
                }
            }
        }
        if (knowing.isEmpty()) {
            throw new IllegalArgumentException(
                    "Kafka property '" + name + "' is not a property of the " + names(clients) + " client");
        }
        return knowing;
    }

    private static ConfigDef definition(Client c) {
        return switch (c) {
            case PRODUCER -> PRODUCER;
            case CONSUMER -> CONSUMER;
            case ADMIN -> ADMIN;
        };
    }

    private static String names(Set<Client> clients) {
        return clients.size() == 1
                ? clients.iterator().next().name().toLowerCase(java.util.Locale.ROOT)
                : "producer, consumer or admin";
    }
}
