package dev.cutover.replication.sqs.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ChangeQueue.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * One poll: receives up to {@code maxChanges} messages and turns them into changes.
 *
 * <p><b>Waiting.</b> SQS long-polls in whole seconds, up to 20: the first receive waits {@code
 * maxWait} rounded up to the next second (a zero wait is a short poll), again while only messages
 * that are not changes arrive and {@code maxWait} has not passed. Once a change arrived, the poll
 * fills the batch until {@code linger} has passed: rounds of up to {@code receivesInFlight}
 * concurrent short receives of 10, ending early at a round that brings nothing (a long receive when
 * a second or more of linger is left). The receives run on the async client and the poll waits for
 * them on its own thread, so an interrupt cancels them at once and the poll throws {@link
 * InterruptedException}; the changes it had received are made visible again at once.
 *
 * <p><b>Sorting.</b> Each message is decoded alone: one that is not a change goes to {@link
 * DeadLetters#reject} and never holds back the rest; a change received more than {@code maxReceives}
 * times goes to {@link DeadLetters#deadLetter} when a dead-letter queue is configured; every other
 * change is delivered with its receipt handle.
 */
final class BatchReceiver {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.sqs.SqsChangeQueue");
    private static final int MAX_PER_RECEIVE = 10;
    private static final int MAX_WAIT_SECONDS = 20;

    private final QueueSettings settings;
    private final QueueCounters counters;
    private final DeadLetters deadLetters;
    private final Acknowledger acks;

    BatchReceiver(QueueSettings settings, QueueCounters counters, DeadLetters deadLetters, Acknowledger acks) {
        this.settings = settings;
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.acks = acks;
    }

    /** A batch of changes; the receipt holds their receipt handles. */
    Delivery poll(int maxChanges, Duration maxWait, Duration linger) throws Exception {
        if (maxChanges < 1) {
            throw new IllegalArgumentException("maxChanges must be >= 1 but was " + maxChanges);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("poll of SQS change queue '" + settings.name() + "' interrupted");
        }
        List<Change> changes = new ArrayList<>(Math.min(maxChanges, 1024));
        List<String> handles = new ArrayList<>(Math.min(maxChanges, 1024));
        long waitEnd = System.nanoTime() + maxWait.toNanos();
        try {
            // the first change: one receive at a time, long-polling for the rest of maxWait
            while (changes.isEmpty()) {
                long left = waitEnd - System.nanoTime();
                int seconds = left <= 0 ? 0 : waitSeconds(left);
                List<Message> got = receive(List.of(Math.min(MAX_PER_RECEIVE, maxChanges)), seconds, changes.isEmpty());
                sort(got, changes, handles);
                if (changes.isEmpty() && (got.isEmpty() || System.nanoTime() - waitEnd >= 0)) {
                    return new Delivery(List.of(), Receipts.NONE);
                }
            }
            // more, until full or linger has passed
            long lingerEnd = System.nanoTime() + linger.toNanos();
            while (changes.size() < maxChanges && System.nanoTime() - lingerEnd < 0) {
                int wanted = maxChanges - changes.size();
                List<Integer> sizes = new ArrayList<>();
                for (int w = wanted; w > 0 && sizes.size() < settings.receivesInFlight(); w -= MAX_PER_RECEIVE) {
                    sizes.add(Math.min(MAX_PER_RECEIVE, w));
                }
                List<Message> got = receive(sizes, 0, false);
                if (got.isEmpty()) {
                    long left = lingerEnd - System.nanoTime();
                    if (left < 1_000_000_000L) {
                        break;
                    }
                    got = receive(List.of(Math.min(MAX_PER_RECEIVE, wanted)), waitSeconds(left) - 1, false);
                    if (got.isEmpty()) {
                        break;
                    }
                }
                sort(got, changes, handles);
            }
        } catch (InterruptedException e) {
            acks.release(handles);
            throw e;
        }
        return new Delivery(changes, new Receipts(handles));
    }

    /**
     * Runs one receive per size at once and waits for them all. A receive that failed is logged and
     * counts as empty, unless all failed and nothing is delivered yet: then it throws.
     */
    private List<Message> receive(List<Integer> sizes, int waitSeconds, boolean throwIfAllFail) throws Exception {
        List<CompletableFuture<ReceiveMessageResponse>> calls = new ArrayList<>(sizes.size());
        for (int size : sizes) {
            ReceiveMessageRequest.Builder request = ReceiveMessageRequest.builder()
                    .queueUrl(settings.queueUrl())
                    .maxNumberOfMessages(size)
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(
                            settings.fifo()
                                    ? List.of(
                                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                                            MessageSystemAttributeName.MESSAGE_GROUP_ID)
                                    : List.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            if (settings.visibilityTimeoutSeconds() >= 0) {
                request.visibilityTimeout(settings.visibilityTimeoutSeconds());
            }
            try {
                calls.add(settings.client().receiveMessage(request.build()));
            } catch (RuntimeException e) {
                calls.add(CompletableFuture.failedFuture(e));
            }
        }
        Calls.awaitAll(calls);
        List<Message> messages = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        int failed = 0;
        for (CompletableFuture<ReceiveMessageResponse> call : calls) {
            ReceiveMessageResponse r = Calls.resultOrNull(call, e -> failure[0] = e);
            if (r == null) {
                failed++;
            } else {
                messages.addAll(r.messages());
            }
        }
        if (failed > 0) {
            if (failed == calls.size() && throwIfAllFail && failure[0] instanceof Exception e) {
                throw e;
            }
            LOG.warn(
                    "SQS change queue '{}': {} of {} receives failed ({}); the batch goes on without them",
                    settings.name(),
                    failed,
                    calls.size(),
                    BatchSender.describe(failure[0]));
        }
        return messages;
    }

    private void sort(List<Message> messages, List<Change> changes, List<String> handles) {
        for (Message m : messages) {
            counters.received.increment();
            int receiveCount = receiveCount(m);
            if (receiveCount > 1) {
                counters.redelivered.increment();
            }
            Change change;
            try {
                change = ChangeCodec.decode(m.body());
            } catch (NotAChange why) {
                deadLetters.reject(m, receiveCount, why);
                continue;
            }
            if (settings.deadLetterQueueUrl() != null && receiveCount > settings.maxReceives()) {
                deadLetters.deadLetter(m, receiveCount, change);
                continue;
            }
            changes.add(change);
            handles.add(m.receiptHandle());
        }
    }

    private static int receiveCount(Message m) {
        @Nullable String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** {@code nanos} rounded up to whole seconds, 1 to 20. */
    private static int waitSeconds(long nanos) {
        long seconds = (nanos + 999_999_999L) / 1_000_000_000L;
        return (int) Math.max(1, Math.min(MAX_WAIT_SECONDS, seconds));
    }
}
