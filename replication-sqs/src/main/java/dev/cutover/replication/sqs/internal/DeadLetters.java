package dev.cutover.replication.sqs.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.sqs.SqsQueueFailure;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The path of a message that is not delivered: one that is not a change, and a change received
 * more than {@code maxReceives} times while a dead-letter queue is configured.
 *
 * <p>Order, so that nothing is lost: (1) record it (log, listener, and the key into the journal's
 * ledger, which never blocks); (2) send the body unchanged to the dead-letter queue; (3) only when
 * SQS confirmed that send, delete it from the source queue. A failed send or delete leaves the
 * message where it was: it comes back after the visibility timeout and takes this path again (a
 * second copy in the dead-letter queue at worst). Without a dead-letter queue, a message that is
 * not a change is recorded and left in the source queue, never deleted, so that the queue's own
 * redrive policy moves it; it is recorded again on every receive. Moves run on SDK threads: a poll
 * never waits for them.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.sqs.SqsChangeQueue");

    private final QueueSettings settings;
    private final QueueCounters counters;
    private final FailureRecorder failures;

    DeadLetters(QueueSettings settings, QueueCounters counters, FailureRecorder failures) {
        this.settings = settings;
        this.counters = counters;
        this.failures = failures;
    }

    /** A message that is not a change: recorded, counted, moved or left; never delivered. */
    void reject(Message m, int receiveCount, NotAChange why) {
        counters.rejected.increment();
        String dlq = settings.deadLetterQueueUrl();
        failures.record(new SqsQueueFailure(
                SqsQueueFailure.Kind.NOT_A_CHANGE,
                why.key(),
                0,
                m.messageId(),
                receiveCount,
                why.reason()
                        + (dlq == null
                                ? "; left in the queue for its redrive policy (no dead-letter queue configured)"
                                : "; moved to the dead-letter queue"),
                settings.clock().instant()));
        if (dlq != null) {
            move(m, dlq);
        }
    }

    /** A change received too often: recorded with its key, then moved. */
    void deadLetter(Message m, int receiveCount, Change change) {
        String dlq = settings.deadLetterQueueUrl();
        if (dlq == null) {
            throw new IllegalStateException("no dead-letter queue configured");
        }
        failures.record(new SqsQueueFailure(
                SqsQueueFailure.Kind.DEAD_LETTERED,
                change.key(),
                change.version(),
                m.messageId(),
                receiveCount,
                "received " + receiveCount + " times, more than maxReceives " + settings.maxReceives()
                        + ", never acknowledged; moved to the dead-letter queue",
                settings.clock().instant()));
        move(m, dlq);
    }

    private void move(Message m, String dlq) {
        CompletableFuture<?> moved;
        try {
            moved = settings.client()
                    .sendMessage(b -> {
                        b.queueUrl(dlq).messageBody(m.body());
                        if (settings.fifo()) {
                            b.messageGroupId(groupOf(m)).messageDeduplicationId(m.messageId());
                        }
                    })
                    .thenCompose(sent -> settings.client()
                            .deleteMessage(d -> d.queueUrl(settings.queueUrl()).receiptHandle(m.receiptHandle())));
        } catch (RuntimeException e) {
            moved = CompletableFuture.failedFuture(e);
        }
        moved.whenComplete((done, error) -> {
            if (error == null) {
                counters.deadLettered.increment();
            } else {
                LOG.warn(
                        "SQS change queue '{}': moving message {} to the dead-letter queue failed ({}); it stays in"
                                + " the queue and is moved when it is received again",
                        settings.name(),
                        m.messageId(),
                        BatchSender.describe(error));
            }
        });
    }

    private static String groupOf(Message m) {
        @Nullable String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
        return group == null || group.isEmpty() ? "cutover-dead-letters" : group;
    }
}
