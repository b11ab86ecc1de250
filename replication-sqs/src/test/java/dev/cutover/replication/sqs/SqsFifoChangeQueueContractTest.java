package dev.cutover.replication.sqs;

import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.testkit.contract.ChangeQueueContract;
import java.time.Duration;

/**
 * The published {@link ChangeQueue} contract on a FIFO SQS queue (ElasticMQ): one message group per
 * key, a deduplication id per offer.
 */
class SqsFifoChangeQueueContractTest extends ChangeQueueContract {

    @Override
    protected ChangeQueue createQueue() {
        return ElasticMq.queue(ElasticMq.createQueue("contract", true)).build();
    }

    @Override
    protected Duration redeliveryWithin() {
        return Duration.ofSeconds(5);
    }

    @Override
    protected void dispose(ChangeQueue queue) {
        SqsChangeQueue q = (SqsChangeQueue) queue;
        q.close();
        ElasticMq.deleteQueue(q.queueUrl());
    }
}
