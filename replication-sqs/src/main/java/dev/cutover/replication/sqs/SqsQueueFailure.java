package dev.cutover.replication.sqs;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something an {@link SqsChangeQueue} could not carry through: a change it accepted but could not
 * send, a message that is not a change, a message received too often. Each one is logged (naming
 * the key, or the message id and receive count), counted, handed to the queue's {@linkplain
 * SqsChangeQueue.Builder#onFailure failure listener}, and its key recorded in the queue's
 * {@linkplain SqsChangeQueue.Builder#journal journal}, where a repair finds it.
 *
 * <pre>{@code
 * SqsChangeQueue.builder(sqs, queueUrl)
 *     .onFailure(f -> alerts.raise("change queue: " + f.kind() + " " + f.key() + " " + f.detail()))
 *     .build();
 * }</pre>
 *
 * @param kind what happened
 * @param key the change's key; null for a message that named none (a repair then needs a full
 *     reconciliation)
 * @param version the change's version; 0 when unknown
 * @param messageId the SQS message id; null for a change that never reached SQS
 * @param receiveCount how often SQS had delivered the message (its {@code ApproximateReceiveCount});
 *     0 for a change that never reached SQS
 * @param detail one line: the reason, never entity data
 * @param at when it was recorded
 * @since 0.2.0
 */
public record SqsQueueFailure(
        Kind kind,
        @Nullable String key,
        long version,
        @Nullable String messageId,
        int receiveCount,
        String detail,
        Instant at) {

    /**
     * What went wrong.
     *
     * @since 0.2.0
     */
    public enum Kind {
        /** An accepted change that SQS refused, or that failed every send attempt. */
        SEND_FAILED,
        /** An accepted change still unsent when the queue closed. */
        UNSENT_AT_CLOSE,
        /**
         * A message that is not a change (malformed JSON, an unknown format, kind or version type):
         * moved to the dead-letter queue, or left for the queue's own redrive policy when none is
         * configured. Never delivered.
         */
        NOT_A_CHANGE,
        /** A change received more than {@code maxReceives} times, moved to the dead-letter queue. */
        DEAD_LETTERED
    }

    public SqsQueueFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }
}
