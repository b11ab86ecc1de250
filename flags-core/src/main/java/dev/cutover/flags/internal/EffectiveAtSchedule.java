package dev.cutover.flags.internal;

import dev.cutover.flags.FlagChangeEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer for scheduled ({@code effectiveAt}) changes: a change event for each scheduled
 * definition at the instant it takes effect. Evaluation needs no timer (it picks the definition in
 * force by the clock); only the events do.
 *
 * <p><b>Concurrency design.</b> Not thread-safe by itself: every method is called under the
 * refresher's write lock, which also guards installs, so the cursor and the one pending task always
 * match the snapshot installed last. The cursor only moves forward, so each scheduled change is
 * announced once, even when the snapshot is replaced meanwhile.
 */
final class EffectiveAtSchedule {
    private static final Logger LOG = LoggerFactory.getLogger(EffectiveAtSchedule.class);

    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Runnable onDue;
    /** Changes effective at or before this instant have been announced. */
    private long cursorMillis;

    private @Nullable ScheduledFuture<?> task;

    /** {@code onDue} runs on {@code timer} when the next scheduled change is due. */
    EffectiveAtSchedule(Clock clock, ScheduledExecutorService timer, Runnable onDue) {
        this.clock = clock;
        this.timer = timer;
        this.onDue = onDue;
        this.cursorMillis = clock.millis();
    }

    /** The events of changes in {@code good} that took effect since the last call; moves the cursor. */
    List<FlagChangeEvent> takeDue(Snapshot good) {
        long now = clock.millis();
        List<FlagChangeEvent> due = new ArrayList<>();
        for (CompiledFlag f : good.flags().values()) {
            if (f.scheduled() && f.effectiveAtMillis > cursorMillis && f.effectiveAtMillis <= now) {
                long before = f.previous == null ? 0 : f.previous.version;
                due.add(new FlagChangeEvent(f.key, before, f.version, good.revision()));
            }
        }
        cursorMillis = Math.max(cursorMillis, now);
        return due;
    }

    /** Replaces the pending task with one for the next change in {@code good} after the cursor. */
    void reschedule(Snapshot good, boolean closed) {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        long next = good.nextEffectiveAfter(cursorMillis);
        if (next != Long.MAX_VALUE && !closed) {
            try {
                task = timer.schedule(onDue, Math.max(0, next - clock.millis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("client closed; no effectiveAt events");
            }
        }
    }
}
