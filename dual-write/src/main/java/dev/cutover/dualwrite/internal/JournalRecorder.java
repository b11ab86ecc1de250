package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.Side;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.KeyLedger;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records shadow writes that did not succeed: counts them and puts their keys in the proxy's
 * {@link KeyLedger}, which journals them off the caller's path (the listener hears of each key
 * once it is journaled). Safe on the caller's thread: a few counter increments, one allocation,
 * one map insert. Never throws. Thread-safe. Not API.
 */
final class JournalRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecorder.class);

    private static final int REASONS = FailedWrite.Reason.values().length;

    private final String repository;
    private final KeyLedger ledger;
    private final Telemetry telemetry;
    private final RateLimitedLog warnings = new RateLimitedLog(10, TimeUnit.SECONDS);
    /** Log topics by method index and reason, built once each: no string is built per missed write. */
    private final AtomicReferenceArray<String> topics = new AtomicReferenceArray<>(1024);

    JournalRecorder(String repository, KeyLedger ledger, Telemetry telemetry) {
        this.repository = repository;
        this.ledger = ledger;
        this.telemetry = telemetry;
    }

    /** The listener's callback for the ledger: told once a key is journaled. */
    static java.util.function.Consumer<FailedWrite> notifying(
            String repository, MigrationListener listener, Telemetry telemetry) {
        return write -> {
            try {
                listener.onShadowWriteFailed(write);
            } catch (Throwable e) {
                telemetry.listenerError();
                LOG.warn("{}: the migration listener threw on a failed shadow write", repository, e);
            }
        };
    }

    /**
     * Records a missed write.
     *
     * @param returnedNanos {@link System#nanoTime()} when the authoritative write returned
     */
    void missed(
            MethodPlan plan,
            @Nullable String key,
            Side target,
            FailedWrite.Reason reason,
            String detail,
            long returnedNanos) {
        telemetry.writeMissed(plan.index(), reason);
        FailedWrite.Target t = target == Side.OLD ? FailedWrite.Target.OLD : FailedWrite.Target.NEW;
        // a key already waiting for the journal will be appended after now, and any repair of that
        // entry reads the authority after this write: nothing more to keep (no allocation under overload)
        if (!ledger.holds(repository, key, t)) {
            ledger.record(write(plan, key, t, reason, detail, returnedNanos));
        }
        long suppressed = warnings.permit(topic(plan, reason));
        if (suppressed >= 0) {
            LOG.warn(
                    "{}.{}: shadow write of key {} to the {} store missed ({}: {}); its key is journaled for"
                            + " repair{}",
                    repository,
                    plan.name(),
                    key,
                    target,
                    reason,
                    detail,
                    RateLimitedLog.suppressed(suppressed));
        }
    }

    private String topic(MethodPlan plan, FailedWrite.Reason reason) {
        int i = plan.index() * REASONS + reason.ordinal();
        if (i >= topics.length()) {
            return plan.name() + "/" + reason;
        }
        String t = topics.get(i);
        if (t == null) {
            t = plan.name() + "/" + reason;
            topics.set(i, t);
        }
        return t;
    }

    private FailedWrite write(
            MethodPlan plan,
            @Nullable String key,
            FailedWrite.Target target,
            FailedWrite.Reason reason,
            String detail,
            long returnedNanos) {
        long ago = TimeUnit.NANOSECONDS.toMillis(Math.max(0, System.nanoTime() - returnedNanos));
        return new FailedWrite(
                repository,
                plan.name(),
                key,
                target,
                reason,
                detail,
                Instant.ofEpochMilli(System.currentTimeMillis() - ago));
    }
}
