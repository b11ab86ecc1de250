package dev.cutover.replication.sqs.internal;

import dev.cutover.replication.Change;
import dev.cutover.replication.sqs.SqsQueueFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * Sends accepted changes to SQS in {@code SendMessageBatch} calls of up to 10 messages and at most
 * {@code maxMessageBytes} in all, with up to {@code sendsInFlight} calls at once.
 *
 * <p>Design: group commit without threads of its own. An offer puts the change in a bounded buffer
 * ({@code sendBuffer} changes, counting those being sent and those waiting to be sent again) and
 * starts a call if fewer than {@code sendsInFlight} are running; every call that completes starts
 * the next with whatever accumulated meanwhile. A single offering thread thus sends small batches
 * while the network is idle and full ones under load, and the buffer is the backpressure: an offer
 * waits up to its {@code maxWait} for room, then returns false, and a change whose offer returned
 * false is never sent. Entries SQS failed but may take later, and calls that failed whole, are sent
 * again after a doubling, jittered pause (one scheduler thread, closed with the queue), up to
 * {@code sendAttempts} attempts; after that, or when SQS says the sender is at fault, the change is
 * recorded as failed with its key. Every accepted change is thus sent, or recorded, or (when the
 * process dies) covered by the journal's run record of this queue.
 *
 * <p>One lock guards the buffer and the sets of changes in calls and awaiting a retry; SDK calls are
 * started and failures recorded outside it.
 */
public final class BatchSender {
    private static final int MAX_ENTRIES = 10;
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final QueueSettings settings;
    private final QueueCounters counters;
    private final FailureRecorder failures;
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    private final Set<Outgoing> inCalls = new HashSet<>();
    private final Set<Outgoing> retrying = new HashSet<>();
    private int calls;
    private boolean closing;

    public BatchSender(
            QueueSettings settings,
            QueueCounters counters,
            FailureRecorder failures,
            ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.counters = counters;
        this.failures = failures;
        this.scheduler = scheduler;
    }

    /**
     * Buffers {@code change} (encoded as {@code body} of {@code bytes}) for sending, waiting up to
     * {@code maxWait} for room.
     *
     * @return true when buffered; false when there was no room in time (it is then never sent)
     * @throws IllegalStateException when the queue is closed
     */
    public boolean offer(Change change, String body, long bytes, Duration maxWait) throws InterruptedException {
        Outgoing o = new Outgoing(change, body, bytes, 1, FifoIds.offerId());
        long deadline = System.nanoTime() + maxWait.toNanos();
        List<List<Outgoing>> start;
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closing) {
                    throw new IllegalStateException(
                            "SQS change queue '" + settings.name() + "' is closed: " + change + " was not queued");
                }
                if (heldLocked() < settings.sendBuffer()) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            waiting.addLast(o);
            start = takeBatchesLocked();
        } finally {
            lock.unlock();
        }
        start.forEach(this::send);
        return true;
    }

    /** Accepted changes not yet confirmed by SQS. */
    public int held() {
        lock.lock();
        try {
            return heldLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new offers and waits up to {@code timeout} for the buffer to empty; what is still
     * unsent then is recorded as failed ({@code UNSENT_AT_CLOSE}), calls in flight included (they may
     * still land: a key recorded and delivered too is harmless).
     *
     * @return true when everything was sent or recorded as failed by SQS's own answer
     */
    public boolean close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Outgoing> left = new ArrayList<>();
        boolean interrupted = false;
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
            while (heldLocked() > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    changed.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            left.addAll(waiting);
            left.addAll(inCalls);
            left.addAll(retrying);
            waiting.clear();
            inCalls.clear();
            retrying.clear();
        } finally {
            lock.unlock();
        }
        for (Outgoing o : left) {
            fail(o, SqsQueueFailure.Kind.UNSENT_AT_CLOSE, "still unsent when the queue closed");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return left.isEmpty();
    }

    private int heldLocked() {
        return waiting.size() + inCalls.size() + retrying.size();
    }

    /** Batches for every call that may start now, taken out of the buffer. */
    private List<List<Outgoing>> takeBatchesLocked() {
        List<List<Outgoing>> batches = new ArrayList<>(1);
        while (calls < settings.sendsInFlight() && !waiting.isEmpty()) {
            List<Outgoing> batch = new ArrayList<>(Math.min(MAX_ENTRIES, waiting.size()));
            long bytes = 0;
            // every body fits maxMessageBytes alone, so the first always fits
            while (batch.size() < MAX_ENTRIES
                    && !waiting.isEmpty()
                    && (batch.isEmpty() || bytes + waiting.peekFirst().bytes() <= settings.maxMessageBytes())) {
                Outgoing o = waiting.pollFirst();
                bytes += o.bytes();
                batch.add(o);
                inCalls.add(o);
            }
            calls++;
            batches.add(batch);
        }
        return batches;
    }

    private void send(List<Outgoing> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Outgoing o = batch.get(i);
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(o.body());
            if (settings.fifo()) {
                entry.messageGroupId(FifoIds.groupId(o.change().key())).messageDeduplicationId(o.offer());
            }
            entries.add(entry.build());
        }
        CompletableFuture<SendMessageBatchResponse> call;
        try {
            call = settings.client()
                    .sendMessageBatch(b -> b.queueUrl(settings.queueUrl()).entries(entries));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((response, error) -> settle(batch, response, error));
    }

    /** What one entry's attempt came to. */
    private enum Result {
        SENT,
        RETRY,
        FAILED
    }

    private void settle(List<Outgoing> batch, @Nullable SendMessageBatchResponse response, @Nullable Throwable error) {
        Result[] results = new Result[batch.size()];
        String[] details = new String[batch.size()];
        if (error != null || response == null) {
            String why = "SendMessageBatch failed: " + describe(error);
            for (int i = 0; i < batch.size(); i++) {
                results[i] = retryOrFail(batch.get(i), true);
                details[i] = why;
            }
        } else {
            for (int i = 0; i < batch.size(); i++) {
                results[i] = Result.RETRY; // an entry SQS neither confirmed nor refused is sent again
                details[i] = "SendMessageBatch named neither success nor failure for it";
            }
            for (SendMessageBatchResultEntry ok : response.successful()) {
                int i = index(ok.id(), batch.size());
                if (i >= 0) {
                    results[i] = Result.SENT;
                }
            }
            for (BatchResultErrorEntry failed : response.failed()) {
                int i = index(failed.id(), batch.size());
                if (i >= 0) {
                    boolean senderFault = Boolean.TRUE.equals(failed.senderFault());
                    results[i] = retryOrFail(batch.get(i), !senderFault);
                    details[i] = "SQS refused it: " + failed.code() + (senderFault ? " (sender fault)" : "");
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                if (results[i] == Result.RETRY) {
                    results[i] = retryOrFail(batch.get(i), true);
                }
            }
        }
        List<Outgoing> failed = new ArrayList<>();
        List<String> failedDetails = new ArrayList<>();
        List<Outgoing> again = new ArrayList<>();
        List<List<Outgoing>> start;
        int sent = 0;
        lock.lock();
        try {
            calls--;
            for (int i = 0; i < batch.size(); i++) {
                Outgoing o = batch.get(i);
                if (!inCalls.remove(o)) {
                    continue; // recorded by close already
                }
                switch (results[i]) {
                    case SENT -> sent++;
                    case RETRY -> {
                        Outgoing next = o.next();
                        retrying.add(next);
                        again.add(next);
                    }
                    case FAILED -> {
                        failed.add(o);
                        failedDetails.add(details[i]);
                    }
                }
            }
            // counted before close can see the buffer empty
            counters.sent.add(sent);
            start = takeBatchesLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < failed.size(); i++) {
            Outgoing o = failed.get(i);
            fail(o, SqsQueueFailure.Kind.SEND_FAILED, failedDetails.get(i) + " (attempt " + o.attempt() + ")");
        }
        if (!again.isEmpty()) {
            scheduleRetry(again);
        }
        start.forEach(this::send);
    }

    private Result retryOrFail(Outgoing o, boolean retryable) {
        return retryable && o.attempt() < settings.sendAttempts() ? Result.RETRY : Result.FAILED;
    }

    private void scheduleRetry(List<Outgoing> again) {
        int attempt = again.get(0).attempt();
        long base = settings.sendBackoff().toNanos();
        long pause = Math.min(MAX_BACKOFF_NANOS, base << Math.min(20, attempt - 2));
        long jittered = pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1);
        try {
            scheduler.schedule(() -> requeue(again), jittered, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            requeue(again); // closing: one more immediate try, close records what is left
        }
    }

    private void requeue(List<Outgoing> again) {
        List<List<Outgoing>> start;
        lock.lock();
        try {
            for (int i = again.size() - 1; i >= 0; i--) {
                Outgoing o = again.get(i);
                if (retrying.remove(o)) {
                    waiting.addFirst(o);
                }
            }
            start = takeBatchesLocked();
        } finally {
            lock.unlock();
        }
        start.forEach(this::send);
    }

    private void fail(Outgoing o, SqsQueueFailure.Kind kind, String detail) {
        counters.sendFailed.increment();
        failures.record(new SqsQueueFailure(
                kind,
                o.change().key(),
                o.change().version(),
                null,
                0,
                detail,
                settings.clock().instant()));
    }

    private static int index(@Nullable String id, int size) {
        try {
            int i = Integer.parseInt(String.valueOf(id));
            return i >= 0 && i < size ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The exception's type and, for an SQS error, its code: never a message that may quote data. */
    static String describe(@Nullable Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t == null) {
            return "no response";
        }
        if (t instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                && aws.awsErrorDetails() != null) {
            return t.getClass().getSimpleName() + " " + aws.awsErrorDetails().errorCode() + " (HTTP " + aws.statusCode()
                    + ")";
        }
        return t.getClass().getName();
    }
}
