package dev.cutover.journal;

import dev.cutover.concurrent.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys that may differ between the stores, on their way to the durable journal: a bounded,
 * coalescing set that any thread adds to in O(1) without blocking, drained to the
 * {@link FailedWriteJournal} by one background thread. Shared by the dual-write proxy and the
 * mirror. Not API.
 *
 * <p><b>Guarantees.</b> (1) {@link #record} never blocks, never throws and never calls the
 * journal: one map insert, one counter, at most one CAS. (2) Nothing recorded is forgotten: a key
 * stays in the set until the journal accepted it; a journal that throws is retried with a
 * doubling pause (10 ms to 5 s) for as long as the process lives. (3) Memory grows with distinct
 * (repository, key, target) triples, never with traffic: a second record of a key replaces the
 * first. (4) Past the bound ({@code maxKeys}), a key that is not kept is covered by an
 * {@link Gap.Kind#OVERFLOW} gap whose range contains the moment it was refused; a key the journal
 * refuses to store (too long) by a {@link Gap.Kind#KEY_REJECTED} gap. (5) While the process lives
 * it keeps a {@link Gap.Kind#RUN} record whose lease it renews every {@code heartbeat} (between
 * appends too, so a long drain does not let it lapse); it removes
 * it on a clean {@link #close} with nothing left in memory. If the process dies, the record's lease
 * runs out and the whole run reads as a gap, so the keys that were only in memory are covered too.
 *
 * <p><b>Why it holds.</b> The drainer removes a key (conditionally, on the exact write it read)
 * <i>before</i> appending it and puts it back if the append fails, so a record racing the drain
 * either replaces the entry before the removal (the removal fails, the newer write is drained next
 * pass) or lands after it as a new entry. An overflow sets {@code overflowSince} if it was 0; the
 * drainer swaps it to 0 and then reads the clock for the gap's end, so every overflow happened
 * before the end of the gap it is recorded in, or sets the field again for the next pass. The size
 * counter is incremented by the thread whose insert created an entry and decremented by the thread
 * whose removal deleted it, so it never drifts.
 */
public final class KeyLedger {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLedger.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Default bound on keys waiting for the journal. */
    public static final int DEFAULT_MAX_KEYS = 1_000_000;
    /** Default interval at which a live process renews its run record. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    private record Slot(String repository, @Nullable String key, FailedWrite.Target target) {}

    private final String name;
    private final FailedWriteJournal journal;
    private final int maxKeys;
    private final Clock clock;
    private final Consumer<FailedWrite> onJournaled;
    private final Runnable onJournalError;
    private final ConcurrentHashMap<Slot, FailedWrite> keys = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Epoch millis of the first overflow not yet in a gap; 0 when there is none. */
    private final AtomicLong overflowSince = new AtomicLong();

    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong journalErrors = new AtomicLong();
    private final AtomicLong journaled = new AtomicLong();
    /** When a journal failure was last logged (nanoTime), and how many were not logged since. */
    private final AtomicLong lastWarned = new AtomicLong(Long.MIN_VALUE);

    private final AtomicLong unwarned = new AtomicLong();
    private final RunRecord run;
    private final Thread drainer;
    private final PendingGaps gaps;
    private volatile boolean closing;
    private volatile boolean done;
    private volatile boolean closed;
    private volatile boolean gapOpened;
    private volatile @Nullable String lastError;

    /**
     * Starts the drainer and records the run (one journal call on this thread; if it fails, the
     * drainer retries).
     *
     * @param name the repository or mirror name: gap records, thread and log names
     * @param onJournaled told on the drainer thread about every write once it is journaled
     * @param onJournalError told on the drainer thread about every journal call that failed
     */
    public KeyLedger(
            String name,
            FailedWriteJournal journal,
            int maxKeys,
            Duration heartbeat,
            Clock clock,
            Consumer<FailedWrite> onJournaled,
            Runnable onJournalError) {
        this.name = name;
        this.journal = journal;
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.onJournaled = onJournaled;
        this.onJournalError = onJournalError;
        this.run = new RunRecord(name, journal, heartbeat, clock);
        this.gaps = new PendingGaps(name, journal, maxKeys, clock);
        run.renew(this::failed);
        this.drainer = DaemonThreads.newThread("cutover-dualwrite-journal-" + name, this::drainLoop);
        drainer.start();
    }

    /**
     * Records that {@code write}'s key may differ. Any thread; O(1); never blocks or throws. After
     * {@link #close} there is no drainer: the key is appended on the calling thread, and if the
     * journal fails, a gap is put for it there; only if that fails too is it left to the ERROR log.
     */
    public void record(FailedWrite write) {
        if (done || closed) {
            recordAfterClose(write);
            return;
        }
        try {
            Slot slot = new Slot(write.repository(), write.entityKey(), write.target());
            if (keys.put(slot, write) == null && size.incrementAndGet() > maxKeys) {
                if (keys.remove(slot, write)) {
                    size.decrementAndGet();
                    overflow();
                }
            }
            // close sets `closed`, then sweeps the set: either the sweep sees this entry, or this read
            // sees `closed` and the entry is taken back here (whoever removes it journals it)
            if (closed && keys.remove(slot, write)) {
                size.decrementAndGet();
                recordAfterClose(write);
            }
        } catch (Throwable e) {
            // an OutOfMemoryError while inserting: the key may be lost, so the range is a gap
            overflow();
        }
    }

    /**
     * Whether a write of this key to this target waits in memory now, so it will be appended after
     * this moment. Any thread; O(1).
     */
    public boolean holds(String repository, @Nullable String key, FailedWrite.Target target) {
        return !done && !closed && keys.containsKey(new Slot(repository, key, target));
    }

    private void recordAfterClose(FailedWrite write) {
        try {
            journal.append(write);
            return;
        } catch (Throwable e) {
            try {
                Instant now = clock.instant();
                journal.putGap(new Gap(
                        UUID.randomUUID().toString(),
                        name,
                        Gap.Kind.KEY_REJECTED,
                        write.at(),
                        now,
                        "a key missed after close could not be journaled: " + e));
                gapOpened = true;
            } catch (Throwable second) {
                LOG.error(
                        "{}.{}: after close, a missed write of key {} to the {} store could be neither journaled nor"
                                + " recorded as a gap ({}); repair this key by hand or reconcile fully",
                        write.repository(),
                        write.method(),
                        write.entityKey(),
                        write.target(),
                        second.toString());
            }
        }
    }

    private void overflow() {
        overflowed.incrementAndGet();
        gapOpened = true;
        if (overflowSince.get() == 0) {
            overflowSince.compareAndSet(0, Math.max(1, clock.millis()));
        }
    }

    /** Keys waiting for the journal, including one being appended now. */
    public int size() {
        return size.get() + inFlight.get();
    }

    /** Whether every recorded key is in the journal and every gap recorded. */
    public boolean idle() {
        return size.get() == 0 && inFlight.get() == 0 && overflowSince.get() == 0 && gaps.isEmpty();
    }

    /** Writes that were past the bound and are covered by a gap instead of an entry. */
    public long overflowed() {
        return overflowed.get();
    }

    /** Whether this process has opened a gap (overflow or a key the journal refused). */
    public boolean gapOpened() {
        return gapOpened;
    }

    /** Journal calls that failed and were retried (or will be). */
    public long journalErrors() {
        return journalErrors.get();
    }

    /** Entries appended to the journal. */
    public long journaled() {
        return journaled.get();
    }

    /** The last journal failure, or null when the last call succeeded. */
    public @Nullable String lastError() {
        return lastError;
    }

    /** Waits until {@link #idle()} or the deadline ({@link System#nanoTime()}). */
    public boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        while (!idle()) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            LockSupport.unpark(drainer);
            Thread.sleep(1);
        }
        return true;
    }

    /**
     * Drains what it can within the bound, then stops the drainer. Removes the run record only when
     * nothing is left in memory; otherwise the record stays, so the run reads as a gap once its lease
     * passes. Returns whether everything was journaled.
     */
    public boolean close(long boundNanos) {
        closing = true;
        LockSupport.unpark(drainer);
        try {
            drainer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(boundNanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (drainer.isAlive()) {
            done = true;
            LockSupport.unpark(drainer);
            LOG.error(
                    "{}: {} key(s) were not journaled within the close bound; the run record stays, so this run reads"
                            + " as a gap once its lease passes: reconcile fully before moving past SHADOW",
                    name,
                    size());
            return false;
        }
        return idle();
    }

    private void drainLoop() {
        long backoff = MIN_BACKOFF_NANOS;
        long closeDeadline = Long.MAX_VALUE;
        while (!done) {
            boolean ok = drainOnce();
            if (closing) {
                if (closeDeadline == Long.MAX_VALUE) {
                    closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                }
                if (idle() || System.nanoTime() - closeDeadline >= 0) {
                    break;
                }
            }
            if (ok) {
                backoff = MIN_BACKOFF_NANOS;
                if (size.get() == 0) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
            } else {
                LockSupport.parkNanos(this, backoff);
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            }
        }
        finish();
    }

    private void finish() {
        closed = true;
        // a record that raced the end of the loop is still in the map: journal it here
        for (Map.Entry<Slot, FailedWrite> e : keys.entrySet()) {
            if (keys.remove(e.getKey(), e.getValue())) {
                size.decrementAndGet();
                recordAfterClose(e.getValue());
            }
        }
        if (idle()) {
            run.remove();
            return;
        }
        LOG.error(
                "{}: closed with {} key(s) not journaled ({}); the run record {} stays and reads as a gap once its"
                        + " lease passes: reconcile fully before moving past SHADOW",
                name,
                size(),
                lastError,
                run.id());
    }

    /** One pass: heartbeat, gaps, then every key. Returns false when the journal failed. */
    private boolean drainOnce() {
        try {
            if (!run.renewIfDue(this::failed) || !recordGaps()) {
                return false;
            }
            Iterator<Map.Entry<Slot, FailedWrite>> it = keys.entrySet().iterator();
            while (it.hasNext() && !done) {
                // A pass appends one key at a time: over a long backlog (after an outage, or with a slow
                // journal) it outlasts the lease. Renewing only between passes let a live process's run
                // read as a gap, blocking stage moves, until the pass ended (the mirror's chaos property
                // saw it on PostgreSQL with about 25 keys and a 100 ms heartbeat). Renew between keys too.
                if (!run.renewIfDue(this::failed)) {
                    return false;
                }
                Map.Entry<Slot, FailedWrite> e = it.next();
                if (!append(e.getKey(), e.getValue())) {
                    return false;
                }
            }
            return recordGaps();
        } catch (Throwable e) {
            failed("draining", e);
            return false;
        }
    }

    private boolean append(Slot slot, FailedWrite w) {
        inFlight.incrementAndGet();
        try {
            if (!keys.remove(slot, w)) {
                return true; // replaced meanwhile: the newer write is drained instead
            }
            size.decrementAndGet();
            try {
                journal.append(w);
            } catch (IllegalArgumentException refused) {
                LOG.error(
                        "{}: the journal refused key {} ({}); its range is recorded as a gap",
                        name,
                        w.entityKey(),
                        refused.getMessage());
                Instant at = w.at();
                gapOpened = true;
                gaps.add(new Gap(
                        UUID.randomUUID().toString(),
                        w.repository(),
                        Gap.Kind.KEY_REJECTED,
                        at,
                        clock.instant(),
                        "the journal refused a key of " + w.repository() + "." + w.method() + ": "
                                + refused.getMessage()));
                return true;
            } catch (Throwable failure) {
                if (keys.putIfAbsent(slot, w) == null) {
                    size.incrementAndGet();
                }
                failed("appending key " + w.entityKey(), failure);
                return false;
            }
            lastError = null;
            journaled.incrementAndGet();
            try {
                onJournaled.accept(w);
            } catch (Throwable e) {
                LOG.warn("{}: the listener threw on a journaled key", name, e);
            }
            return true;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Puts the pending gaps, the overflow range first. */
    private boolean recordGaps() {
        return gaps.record(overflowSince.getAndSet(0), this::failed);
    }

    /** Whether the run record was written at least once. */
    public boolean runRecorded() {
        return run.recorded();
    }

    private void failed(String what, Throwable e) {
        journalErrors.incrementAndGet();
        lastError = what + ": " + e;
        try {
            onJournalError.run();
        } catch (Throwable ignored) {
            // counting must not stop the drainer
        }
        // at most one line per 10 s: a journal down for minutes fails on every drain
        long now = System.nanoTime();
        long last = lastWarned.get();
        if ((last != Long.MIN_VALUE && now - last < WARN_INTERVAL_NANOS) || !lastWarned.compareAndSet(last, now)) {
            unwarned.incrementAndGet();
            return;
        }
        long suppressed = unwarned.getAndSet(0);
        LOG.warn(
                "{}: the journal failed while {} ({}); {} key(s) wait in memory and are retried{}",
                name,
                what,
                e.toString(),
                size(),
                suppressed > 0 ? " (" + suppressed + " similar suppressed)" : "");
    }
}
