package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.Side;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a caller from overtaking the shadow writes of its key when a stage flip makes the shadow
 * store authoritative (SHADOW to LIVE, or the rollback LIVE to SHADOW).
 *
 * <p><b>The race it closes.</b> A caller writes key K in SHADOW: old is written, and the shadow
 * write to new waits in K's lane. The flag flips to LIVE and the caller writes K again: new is now
 * authoritative and written at once, on the caller's thread. Without a fence the queued shadow
 * write then lands on top of it with the older value, succeeds, and is journaled nowhere: the
 * caller reads back its first value and the stores disagree until K is written again.
 *
 * <p><b>Guarantee.</b> Before a call with key K goes to its authoritative store S, every shadow
 * write of K to S submitted before it has finished (succeeded, failed, shed, timed out or been
 * cancelled, and then journaled), or its time budget has passed. Shadow writes of one key run in
 * submission order in one lane, so waiting for the last one submitted is waiting for all of them.
 * A shadow write past its budget is shed before it starts or interrupted while it runs; one whose
 * store ignores the interrupt can still land late, which reconciliation repairs.
 *
 * <p><b>Cost.</b> With no shadow write to S in flight, one volatile read. Otherwise a map lookup,
 * and a wait only right after an authority flip, bounded by the shadow budget. Calls without a key
 * are not fenced. Opening and closing a shadow write cost two concurrent-map updates.
 *
 * <p>The same bookkeeping lets the re-check of a read without a key (a listing, a count) wait
 * until the shadow writes submitted before its first comparison have ended ({@link #endedUpTo}),
 * so a shadow store that merely lags is not reported as a confirmed mismatch. Thread-safe. Not API.
 */
final class WriteFences {
    /** The shadow writes headed to one store. */
    private static final class Track {
        final AtomicInteger inFlight = new AtomicInteger();
        final Set<ShadowWrite> all = ConcurrentHashMap.newKeySet();
        final ConcurrentHashMap<String, ShadowWrite> latest = new ConcurrentHashMap<>();
    }

    private final AtomicLong sequence = new AtomicLong();
    private final Track toOld = new Track();
    private final Track toNew = new Track();

    private Track track(Side store) {
        return store == Side.OLD ? toOld : toNew;
    }

    /** Records a shadow write about to be submitted; on the caller's thread. */
    void opened(ShadowWrite write) {
        write.sequence = sequence.incrementAndGet();
        Track t = track(write.stage.shadow());
        t.all.add(write);
        t.inFlight.incrementAndGet();
        String key = write.key;
        if (key != null) {
            t.latest.put(key, write);
        }
    }

    /** Records that a shadow write ended, whatever the way; called exactly once per opened write. */
    void closed(ShadowWrite write) {
        Track t = track(write.stage.shadow());
        String key = write.key;
        if (key != null) {
            t.latest.remove(key, write);
        }
        t.all.remove(write);
        t.inFlight.decrementAndGet();
        write.done.countDown();
    }

    /** The sequence number of the last shadow write opened. */
    long sequence() {
        return sequence.get();
    }

    /**
     * Whether every shadow write to {@code store} opened up to sequence number {@code barrier} has
     * ended: what a re-check of a read without a key waits for, since it cannot wait in one key's
     * lane. Iterates the writes in flight, so call it on a shadow thread.
     */
    boolean endedUpTo(Side store, long barrier) {
        for (ShadowWrite w : track(store).all) {
            if (w.sequence <= barrier) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits, on the caller's thread, until the shadow writes of {@code key} to {@code authoritative}
     * submitted so far have ended or passed their budget.
     */
    void await(@Nullable String key, Side authoritative) {
        Track t = track(authoritative);
        if (key == null || t.inFlight.get() == 0) {
            return;
        }
        ShadowWrite pending = t.latest.get(key);
        if (pending == null) {
            return;
        }
        long wait = pending.deadline - System.nanoTime();
        boolean interrupted = false;
        while (wait > 0) {
            try {
                pending.done.await(wait, TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                // the caller's interrupt is not ours to consume: finish the bounded wait, then restore it
                interrupted = true;
                wait = pending.deadline - System.nanoTime();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
