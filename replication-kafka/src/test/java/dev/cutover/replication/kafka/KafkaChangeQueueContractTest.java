package dev.cutover.replication.kafka;

import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.testkit.contract.ChangeQueueContract;
import java.time.Duration;

/**
 * The published queue contract, against a real broker: every try gets a topic of 3 partitions and a
 * consumer group of its own. The acknowledgement timeout is 2 s, so that a consumer (thread) that
 * dies holding records has them handed out again within seconds.
 */
class KafkaChangeQueueContractTest extends ChangeQueueContract {
    @Override
    protected ChangeQueue createQueue() {
        String topic = KafkaBroker.uniqueName("contract");
        return KafkaChangeQueue.builder(KafkaBroker.get().bootstrapServers(), topic)
                .groupId(topic + "-group")
                .createTopicIfMissing(3, 1)
                .ackTimeout(Duration.ofSeconds(2))
                .closeTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Override
    protected Duration redeliveryWithin() {
        return Duration.ofSeconds(10);
    }

    @Override
    protected void dispose(ChangeQueue queue) {
        ((KafkaChangeQueue) queue).close();
    }
}
