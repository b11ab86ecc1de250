package dev.cutover.replication.sqs.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Deletes acknowledged messages ({@code DeleteMessageBatch}, 10 handles a call, the calls of one
 * delivery at once) and makes released ones visible again. A handle that could not be deleted (an
 * expired handle: the visibility timeout passed during the apply) leaves its message to be
 * delivered again, which the versioned apply makes harmless: logged, never thrown.
 */
final class Acknowledger {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.sqs.SqsChangeQueue");
    private static final int MAX_PER_CALL = 10;

    private final QueueSettings settings;
    private final QueueCounters counters;

    Acknowledger(QueueSettings settings, QueueCounters counters) {
        this.settings = settings;
        this.counters = counters;
    }

    /** Deletes the messages of {@code handles}; returns when SQS answered every call. */
    void delete(List<String> handles) throws InterruptedException {
        if (handles.isEmpty()) {
            return;
        }
        List<CompletableFuture<DeleteMessageBatchResponse>> calls = new ArrayList<>();
        for (int from = 0; from < handles.size(); from += MAX_PER_CALL) {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(MAX_PER_CALL);
            for (int i = from; i < Math.min(handles.size(), from + MAX_PER_CALL); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i - from))
                        .receiptHandle(handles.get(i))
                        .build());
            }
            try {
                calls.add(settings.client()
                        .deleteMessageBatch(b -> b.queueUrl(settings.queueUrl()).entries(entries)));
            } catch (RuntimeException e) {
                calls.add(CompletableFuture.failedFuture(e));
            }
        }
        Calls.awaitAll(calls);
        long failed = 0;
        Throwable[] error = new Throwable[1];
        for (int c = 0; c < calls.size(); c++) {
            DeleteMessageBatchResponse r = Calls.resultOrNull(calls.get(c), e -> error[0] = e);
            if (r == null) {
                failed += Math.min(MAX_PER_CALL, handles.size() - c * MAX_PER_CALL);
            } else {
                counters.acked.add(r.successful().size());
                failed += r.failed().size();
            }
        }
        if (failed > 0) {
            LOG.warn(
                    "SQS change queue '{}': {} of {} acknowledged messages were not deleted ({}); SQS delivers them"
                            + " again, and the versioned apply finds them applied",
                    settings.name(),
                    failed,
                    handles.size(),
                    error[0] == null ? "expired receipt handles" : BatchSender.describe(error[0]));
        }
    }

    /** Makes the messages of {@code handles} visible again at once; does not wait. */
    void release(List<String> handles) {
        for (int from = 0; from < handles.size(); from += MAX_PER_CALL) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(MAX_PER_CALL);
            for (int i = from; i < Math.min(handles.size(), from + MAX_PER_CALL); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i - from))
                        .receiptHandle(handles.get(i))
                        .visibilityTimeout(0)
                        .build());
            }
            try {
                settings.client()
                        .changeMessageVisibilityBatch(
                                b -> b.queueUrl(settings.queueUrl()).entries(entries));
            } catch (RuntimeException e) {
                // they come back after the visibility timeout instead
            }
        }
    }
}
