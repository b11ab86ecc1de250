package dev.cutover.replication.internal.mirror;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.KeyLedger;
import dev.cutover.replication.Change;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.internal.apply.BatchApply;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a mirror's failures go: the listener and the key ledger get every one, with its key; the
 * log gets the first of each reason per second, with its key and how many were suppressed, so a
 * burst of drops stays readable and never goes unmentioned.
 *
 * <p>Design: called on observing threads (drops) and workers (apply failures) at once. The rate
 * limit is one CAS per reason per second; the listener runs on the calling thread and must be
 * thread-safe and fast; the key goes to a {@link KeyLedger} (one map insert), whose own thread
 * appends it to the journal and retries while the journal fails, so a journal on the same failing
 * database as the target neither loses keys nor slows the application. Whatever the listener
 * throws is caught and logged: a failure while recording a failure must not reach the application.
 */
public final class MirrorFailures {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Mirror");
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final String name;
    private final @Nullable Consumer<MirrorFailure> listener;
    private final KeyLedger ledger;
    private final Clock clock;
    private final Map<MirrorFailure.Reason, AtomicLong> lastLogged = new EnumMap<>(MirrorFailure.Reason.class);
    private final Map<MirrorFailure.Reason, AtomicLong> suppressed = new EnumMap<>(MirrorFailure.Reason.class);
    private final AtomicLong lastHandlerLog = new AtomicLong(Long.MIN_VALUE);

    public MirrorFailures(String name, @Nullable Consumer<MirrorFailure> listener, KeyLedger ledger, Clock clock) {
        this.name = name;
        this.listener = listener;
        this.ledger = ledger;
        this.clock = clock;
        for (MirrorFailure.Reason r : MirrorFailure.Reason.values()) {
            lastLogged.put(r, new AtomicLong(Long.MIN_VALUE));
            suppressed.put(r, new AtomicLong());
        }
    }

    /** Records that {@code change} was not applied. */
    public void record(Change change, MirrorFailure.Reason reason, String detail) {
        record(new MirrorFailure(change.key(), change.version(), reason, detail, clock.instant()));
    }

    /** Records a failure: log (rate limited), listener, journal. Never throws. */
    public void record(MirrorFailure failure) {
        log(failure);
        if (listener != null) {
            try {
                listener.accept(failure);
            } catch (RuntimeException | Error e) {
                rethrowIfFatal(e);
                handlerFailed("failure listener", failure, e);
            }
        }
        // O(1) and never blocking: the ledger's own thread appends to the journal
        ledger.record(new FailedWrite(
                name,
                "mirror",
                failure.key(),
                FailedWrite.Target.NEW,
                journalReason(failure.reason()),
                failure.detail(),
                failure.at()));
    }

    /** The keys on their way to the journal. */
    public KeyLedger ledger() {
        return ledger;
    }

    private void log(MirrorFailure f) {
        if (!permit(lastLogged.get(f.reason()))) {
            suppressed.get(f.reason()).incrementAndGet();
            return;
        }
        long others = suppressed.get(f.reason()).getAndSet(0);
        LOG.error(
                "mirror '{}' did not apply {} v{}: {} ({}){}",
                name,
                f.key() == null ? "an event" : f.key(),
                f.version(),
                f.reason(),
                f.detail(),
                others > 0 ? "; " + others + " more " + f.reason() + " since the last report" : "");
    }

    private void handlerFailed(String handler, MirrorFailure f, Throwable e) {
        if (permit(lastHandlerLog)) {
            LOG.error(
                    "mirror '{}': the {} threw {} while recording {} of {}",
                    name,
                    handler,
                    e.getClass().getName(),
                    f.reason(),
                    f.key());
        }
    }

    private static boolean permit(AtomicLong last) {
        long now = System.nanoTime();
        long before = last.get();
        return (before == Long.MIN_VALUE || now - before >= LOG_INTERVAL_NANOS) && last.compareAndSet(before, now);
    }

    /** The one rule of which errors nothing in the mirror settles: {@link BatchApply#rethrowIfFatal}. */
    static void rethrowIfFatal(Throwable t) {
        BatchApply.rethrowIfFatal(t);
    }

    private static FailedWrite.Reason journalReason(MirrorFailure.Reason reason) {
        return switch (reason) {
            case DROPPED_QUEUE_FULL -> FailedWrite.Reason.SHED;
            case CLOSED -> FailedWrite.Reason.CANCELLED;
            case DROPPED_QUEUE_ERROR, APPLY_FAILED, MAPPING_FAILED -> FailedWrite.Reason.FAILED;
        };
    }
}
