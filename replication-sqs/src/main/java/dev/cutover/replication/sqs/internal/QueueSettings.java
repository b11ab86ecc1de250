package dev.cutover.replication.sqs.internal;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.sqs.SqsQueueFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The validated, immutable settings of one queue, as the builder checked them.
 *
 * @param visibilityTimeoutSeconds the visibility timeout each receive asks for; -1: the queue's own
 */
public record QueueSettings(
        SqsAsyncClient client,
        String queueUrl,
        String name,
        boolean fifo,
        @Nullable String deadLetterQueueUrl,
        int maxReceives,
        int visibilityTimeoutSeconds,
        int maxMessageBytes,
        int sendBuffer,
        int sendsInFlight,
        int receivesInFlight,
        int sendAttempts,
        Duration sendBackoff,
        Duration depthCacheFor,
        Duration closeTimeout,
        @Nullable FailedWriteJournal journal,
        @Nullable Consumer<SqsQueueFailure> failureListener,
        Clock clock) {}
