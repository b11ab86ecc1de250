package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Through a real broker: changes of every kind of payload (longs, integers beyond long, decimals
 * with their scale, astral Unicode, nesting) offered to one queue come out of it exactly, key,
 * version, kind and payload. One queue serves every try; each try's keys carry the try's number,
 * so a try waits for exactly its own changes.
 */
class KafkaRoundTripProperties {
    private static final AtomicInteger TRIES = new AtomicInteger();
    private static KafkaChangeQueue queue;

    @BeforeContainer
    static void open() throws Exception {
        String topic = KafkaBroker.get().createTopic(KafkaBroker.uniqueName("roundtrip"), 3);
        queue = Queues.on(topic).groupId(topic + "-group").build();
    }

    @AfterContainer
    static void close() {
        queue.close();
    }

    @Property(tries = 40)
    void changesComeOutOfKafkaExactlyAsTheyWentIn(@ForAll("changes") List<Change> generated) throws Exception {
        String prefix = "t" + TRIES.incrementAndGet() + "/";
        List<Change> sent = new ArrayList<>();
        for (Change c : generated) {
            sent.add(c.withKey(prefix + c.key()));
        }
        Queues.send(queue, sent);

        Set<Change> received = Queues.collect(queue, sent);
        assertThat(received)
                .as("nothing from another try")
                .allMatch(c -> c.key().startsWith(prefix));
        assertThat(received).containsExactlyInAnyOrderElementsOf(new HashSet<>(sent));
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        return ChangeArbitraries.changes().list().ofMinSize(1).ofMaxSize(20);
    }
}
