package dev.cutover.replication.sqs.internal;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.KeyLedger;
import dev.cutover.replication.sqs.SqsQueueFailure;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what the queue could not carry through: an ERROR line naming the key (or the message id
 * and receive count), the failure listener, and the journal. The journal is reached through a
 * {@link KeyLedger}: {@link #record} never blocks and never calls the journal itself (it runs on SDK
 * completion threads and on pollers); the ledger's thread appends, retrying while the journal
 * fails, and keeps a run record so that a process that dies with keys in memory leaves a gap.
 */
public final class FailureRecorder {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.sqs.SqsChangeQueue");

    private final String name;
    private final @Nullable Consumer<SqsQueueFailure> listener;
    private final @Nullable KeyLedger ledger;

    public FailureRecorder(QueueSettings settings) {
        this.name = settings.name();
        this.listener = settings.failureListener();
        this.ledger = settings.journal() == null
                ? null
                : new KeyLedger(
                        settings.name(),
                        settings.journal(),
                        KeyLedger.DEFAULT_MAX_KEYS,
                        KeyLedger.DEFAULT_HEARTBEAT,
                        settings.clock(),
                        w -> {},
                        () -> {});
    }

    /** Logs, tells the listener and journals {@code f}. Never throws (short of an Error). */
    public void record(SqsQueueFailure f) {
        if (f.messageId() == null) {
            LOG.error("SQS change queue '{}': {} of '{}' v{}: {}", name, f.kind(), f.key(), f.version(), f.detail());
        } else {
            LOG.error(
                    "SQS change queue '{}': {} message {} (received {} times, key {}): {}",
                    name,
                    f.kind(),
                    f.messageId(),
                    f.receiveCount(),
                    f.key() == null ? "unknown" : "'" + f.key() + "'",
                    f.detail());
        }
        if (listener != null) {
            try {
                listener.accept(f);
            } catch (RuntimeException e) {
                LOG.warn(
                        "SQS change queue '{}': the failure listener threw {}",
                        name,
                        e.getClass().getName());
            }
        }
        if (ledger != null) {
            ledger.record(new FailedWrite(
                    name,
                    method(f.kind()),
                    f.key(),
                    FailedWrite.Target.NEW,
                    f.kind() == SqsQueueFailure.Kind.UNSENT_AT_CLOSE
                            ? FailedWrite.Reason.CANCELLED
                            : FailedWrite.Reason.FAILED,
                    f.kind() + ": " + f.detail(),
                    f.at()));
        }
    }

    /** Whether every key recorded so far is in the journal (or there is no journal). */
    public boolean idle() {
        return ledger == null || ledger.idle();
    }

    /** Appends what is left within {@code boundNanos} and stops the ledger's thread. */
    public boolean close(long boundNanos) {
        return ledger == null || ledger.close(boundNanos);
    }

    private static String method(SqsQueueFailure.Kind kind) {
        return switch (kind) {
            case SEND_FAILED, UNSENT_AT_CLOSE -> "sqs-send";
            case NOT_A_CHANGE -> "sqs-receive";
            case DEAD_LETTERED -> "sqs-dead-letter";
        };
    }
}
