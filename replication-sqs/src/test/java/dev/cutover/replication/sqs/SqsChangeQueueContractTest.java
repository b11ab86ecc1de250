package dev.cutover.replication.sqs;

import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.testkit.contract.ChangeQueueContract;
import java.time.Duration;

/** The published {@link ChangeQueue} contract on a standard SQS queue (ElasticMQ). */
class SqsChangeQueueContractTest extends ChangeQueueContract {

    @Override
    protected ChangeQueue createQueue() {
        return ElasticMq.queue(ElasticMq.createQueue("contract", false)).build();
    }

    @Override
    protected Duration redeliveryWithin() {
        return Duration.ofSeconds(5); // the 2 s visibility timeout, and some
    }

    @Override
    protected void dispose(ChangeQueue queue) {
        SqsChangeQueue q = (SqsChangeQueue) queue;
        q.close();
        ElasticMq.deleteQueue(q.queueUrl());
    }
}
