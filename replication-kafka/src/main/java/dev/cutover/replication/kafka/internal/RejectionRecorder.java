package dev.cutover.replication.kafka.internal;

import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.kafka.KafkaQueueRejection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what a queue refused or could not deliver, on a thread of its own: log, listener,
 * journal, in that order, and only then {@code settle} (a poison record's offset counts as
 * acknowledged). So a poison record's offset is committed only after the journal has its entry,
 * and a journal that fails holds that one partition's commits (not its deliveries, not the consumer
 * thread) while the append is retried with a doubling pause, 10 ms to 5 s.
 *
 * <p>Journal entries: repository = the queue's name, method {@code kafka-poll} (poison) or {@code
 * kafka-send} (undelivered), the key when there is one (none: a repair then needs a full
 * reconciliation), target {@code NEW}, reason {@code FAILED}, detail = position and reason.
 *
 * <p>{@link #close} lets the thread finish what it holds within a bound, then interrupts it; what
 * was not recorded by then is logged at error level, position by position. A poison record left so
 * is not committed, so it comes again to the partition's next owner.
 */
public final class RejectionRecorder {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.kafka.KafkaChangeQueue");
    private static final long MIN_BACKOFF = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF = TimeUnit.SECONDS.toNanos(5);

    private final String name;
    private final @Nullable FailedWriteJournal journal;
    private final @Nullable Consumer<KafkaQueueRejection> listener;
    private final ThreadPoolExecutor thread;
    private volatile boolean closing;

    public RejectionRecorder(
            String name, @Nullable FailedWriteJournal journal, @Nullable Consumer<KafkaQueueRejection> listener) {
        this.name = name;
        this.journal = journal;
        this.listener = listener;
        this.thread = new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                DaemonThreads.named("cutover-kafka-rejections-" + name));
    }

    /** Records {@code rejection}, then runs {@code settle}; returns at once. */
    public void record(KafkaQueueRejection rejection, Runnable settle) {
        try {
            thread.execute(new Task(rejection, settle));
        } catch (RejectedExecutionException e) {
            LOG.error("kafka queue '{}' closed: not recorded: {}", name, rejection);
        }
    }

    /** Records what is handed in already within {@code timeout}, then stops; returns whether all was. */
    public boolean close(Duration timeout) {
        thread.shutdown();
        boolean done;
        try {
            done = thread.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            closing = true;
            List<Runnable> left = thread.shutdownNow();
            for (Runnable r : left) {
                LOG.error("kafka queue '{}' closed before recording: {}", name, ((Task) r).rejection);
            }
        }
        return done;
    }

    private final class Task implements Runnable {
        final KafkaQueueRejection rejection;
        final Runnable settle;

        Task(KafkaQueueRejection rejection, Runnable settle) {
            this.rejection = rejection;
            this.settle = settle;
        }

        @Override
        public void run() {
            LOG.warn("kafka queue '{}': {}", name, rejection);
            if (listener != null) {
                try {
                    listener.accept(rejection);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "kafka queue '{}': the rejection listener threw {} on {}",
                            name,
                            e.getClass().getName(),
                            rejection.position());
                }
            }
            if (journal != null && !append(journal)) {
                LOG.error("kafka queue '{}' closed before journaling: {}", name, rejection);
                return;
            }
            settle.run();
        }

        private boolean append(FailedWriteJournal j) {
            FailedWrite write = new FailedWrite(
                    name,
                    rejection.kind() == KafkaQueueRejection.Kind.POISON ? "kafka-poll" : "kafka-send",
                    rejection.key(),
                    FailedWrite.Target.NEW,
                    FailedWrite.Reason.FAILED,
                    rejection.kind() + " at " + rejection.position() + ": " + rejection.reason(),
                    rejection.at());
            long backoff = MIN_BACKOFF;
            int failures = 0;
            while (!closing && !Thread.currentThread().isInterrupted()) {
                try {
                    j.append(write);
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (IllegalArgumentException e) {
                    if (write.entityKey() == null) {
                        LOG.error("kafka queue '{}': the journal refused {}: {}", name, rejection, e.getMessage());
                        return true;
                    }
                    // a key the journal cannot store: the entry without it calls for a full reconciliation
                    LOG.error(
                            "kafka queue '{}': the journal refused the key of {} ({}); journaling it without the key",
                            name,
                            rejection.position(),
                            e.getMessage());
                    write = new FailedWrite(
                            write.repository(),
                            write.method(),
                            null,
                            write.target(),
                            write.reason(),
                            write.detail(),
                            write.at());
                } catch (Exception e) {
                    if (failures++ % 20 == 0) {
                        LOG.warn(
                                "kafka queue '{}': the journal threw {} on {}; trying again",
                                name,
                                e.getClass().getName(),
                                rejection.position());
                    }
                    LockSupport.parkNanos(backoff);
                    backoff = Math.min(MAX_BACKOFF, backoff * 2);
                }
            }
            return false;
        }
    }
}
