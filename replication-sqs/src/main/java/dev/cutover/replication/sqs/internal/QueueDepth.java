package dev.cutover.replication.sqs.internal;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The queue's message count, asked of SQS at most once per {@code depthCacheFor}: visible, in
 * flight (received, not yet deleted) and delayed messages, so that a mirror waiting to be quiet
 * also waits for redeliveries. One caller refreshes a stale value while the others get the last
 * one; -1 when SQS could not be asked.
 */
final class QueueDepth {
    private static final long ASK_TIMEOUT_SECONDS = 5;

    private record Reading(long messages, long atNanos) {}

    private final QueueSettings settings;
    private final AtomicBoolean asking = new AtomicBoolean();
    private volatile Reading last = new Reading(-1, 0);
    private volatile boolean read;

    QueueDepth(QueueSettings settings) {
        this.settings = settings;
    }

    long messages() {
        Reading r = last;
        long now = System.nanoTime();
        if (read && now - r.atNanos() < settings.depthCacheFor().toNanos()) {
            return r.messages();
        }
        if (!asking.compareAndSet(false, true)) {
            return r.messages();
        }
        try {
            GetQueueAttributesResponse response = settings.client()
                    .getQueueAttributes(b -> b.queueUrl(settings.queueUrl())
                            .attributeNames(
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                    .get(ASK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<QueueAttributeName, String> a = response.attributes();
            long messages = count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                    + count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
                    + count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
            last = new Reading(messages, System.nanoTime());
            read = true;
            return messages;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return r.messages();
        } catch (Exception e) {
            last = new Reading(-1, System.nanoTime());
            read = true;
            return -1;
        } finally {
            asking.set(false);
        }
    }

    private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String v = attributes.get(name);
        return v == null ? 0 : Long.parseLong(v);
    }
}
