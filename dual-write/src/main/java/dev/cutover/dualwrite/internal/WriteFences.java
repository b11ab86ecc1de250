package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.Side;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * are not fenced. Thread-safe. Not API.
 */
final class WriteFences {
  private final AtomicInteger[] inFlight = {new AtomicInteger(), new AtomicInteger()};
  @SuppressWarnings("unchecked")
  private final ConcurrentHashMap<String, ShadowWrite>[] latest = new ConcurrentHashMap[] {
      new ConcurrentHashMap<String, ShadowWrite>(), new ConcurrentHashMap<String, ShadowWrite>()};

  /** Records a shadow write about to be submitted; on the caller's thread. */
  void opened(ShadowWrite write) {
    String key = write.key;
    if (key == null) {
      return;
    }
    int side = write.stage.shadow().ordinal();
    inFlight[side].incrementAndGet();
    latest[side].put(key, write);
  }

  /** Records that a shadow write ended, whatever the way; called exactly once per opened write. */
  void closed(ShadowWrite write) {
    String key = write.key;
    if (key == null) {
      return;
    }
    int side = write.stage.shadow().ordinal();
    latest[side].remove(key, write);
    inFlight[side].decrementAndGet();
    write.done.countDown();
  }

  /**
   * Waits, on the caller's thread, until the shadow writes of {@code key} to {@code authoritative}
   * submitted so far have ended or passed their budget.
   */
  void await(@Nullable String key, Side authoritative) {
    int side = authoritative.ordinal();
    if (key == null || inFlight[side].get() == 0) {
      return;
    }
    ShadowWrite pending = latest[side].get(key);
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
