package dev.cutover.examples.analytics;

import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.replication.sqs.SqsChangeQueue;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The queue between migration 1's mirror and its apply workers, and how often it delivered a change
 * again: the in-process {@link ShufflingQueue} (the default: reorders, and redelivers 5%), or a real
 * SQS queue on an {@link EmbeddedSqs} ({@code --queue sqs}), as the story's service runs it.
 */
final class MirrorQueue implements AutoCloseable {
    /** Which queue carries the mirror's changes. */
    enum Kind {
        /** {@link ShufflingQueue}, in-process. */
        IN_PROCESS,
        /** An {@link SqsChangeQueue} on ElasticMQ, in-process. */
        SQS
    }

    private final ChangeQueue queue;
    private final LongSupplier redelivered;
    private final Runnable resources;

    private MirrorQueue(ChangeQueue queue, LongSupplier redelivered, Runnable resources) {
        this.queue = queue;
        this.redelivered = redelivered;
        this.resources = resources;
    }

    static MirrorQueue open(Kind kind, long seed) {
        if (kind == Kind.IN_PROCESS) {
            ShufflingQueue shuffling = new ShufflingQueue(20_000, 0.05, seed);
            return new MirrorQueue(shuffling, shuffling::redelivered, () -> {});
        }
        EmbeddedSqs sqs = EmbeddedSqs.start();
        SqsChangeQueue queue = SqsChangeQueue.builder(sqs.client(), sqs.createQueue("analytics-warehouse"))
                .deadLetterQueue(sqs.createQueue("analytics-warehouse-dead-letters"))
                .visibilityTimeout(Duration.ofSeconds(30))
                .sendBuffer(20_000)
                .build();
        return new MirrorQueue(queue, () -> queue.counts().redelivered(), () -> {
            queue.close();
            sqs.close();
        });
    }

    ChangeQueue queue() {
        return queue;
    }

    /** Changes or messages waiting, in flight included. */
    long depth() {
        return queue.depth();
    }

    /** Changes delivered a second time so far. */
    long redelivered() {
        return redelivered.getAsLong();
    }

    /** Closes the SQS queue (sending what it holds) and stops the server; nothing for the in-process queue. */
    @Override
    public void close() {
        resources.run();
    }
}
