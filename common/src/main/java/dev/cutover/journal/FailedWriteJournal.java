package dev.cutover.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where the keys that may differ between the two stores are kept until a repair settles them: a
 * journal of <em>keys</em>, not of writes. An entry means "this key may differ between the stores;
 * repair it from the authoritative side". The dual-write proxy and the mirror append; a repair job
 * ({@code dev.cutover.replication.Repair.fromJournal}) reads pending entries and
 * resolves them once their keys are repaired. Where keys could not be kept one by one, a
 * {@link Gap} keeps the time range instead.
 *
 * <pre>{@code
 * FailedWriteJournal journal = JdbcFailedWriteJournal.builder(dataSource).build();
 * // the proxy, off the caller's thread:
 * journal.append(new FailedWrite("OrderRepository", "save", "order-42",
 *     FailedWrite.Target.NEW, FailedWrite.Reason.TIMED_OUT, "no answer within 50 ms", Instant.now()));
 * // a repair job:
 * List<JournalEntry> page = journal.pending(0, 100);
 * }</pre>
 *
 * <p><b>Contract for implementations.</b> Thread-safe. {@link #append} is durable when it returns
 * (as durable as the backing store). It <em>coalesces</em>: the new entry replaces every pending
 * entry with the same repository, entity key (null counting as one key) and target, so the pending
 * entries grow with distinct keys, never with traffic. The entry gets a new id, unique, at least
 * 1 and larger than every id returned before; the replaced entries are gone, so a repair that read
 * one of them and resolves its id leaves the newer entry pending (a write that missed while the
 * repair ran is never resolved by it). An entry stays pending until resolved; resolving an
 * unknown, replaced or already resolved id does nothing. Appenders that race on the same key may
 * leave one pending entry each; a repair settles all of them.
 *
 * <p>The proxy and the mirror never call the journal on the application's thread: they keep the
 * keys in a bounded in-memory set and append from a background thread, retrying while the journal
 * fails. Every field of the write reads back as appended, {@code at} to at least the millisecond;
 * an implementation may shorten {@code detail} (the journals of this package keep
 * {@value JdbcFailedWriteJournal#MAX_DETAIL_LENGTH} characters) but never an identifying field: it
 * rejects one it cannot store with an {@link IllegalArgumentException} naming the length and the
 * limit. Null arguments throw {@link NullPointerException}.
 *
 * <p><b>Gaps.</b> {@link #putGap} inserts or replaces a gap by id (a replaced gap is open again,
 * even if it had been closed); {@link #removeGap} deletes one (a process's run record when the
 * process closed cleanly with nothing left unjournaled); {@link #closeGaps} closes every gap that
 * ended before a full reconciliation started. Closed gaps are not returned by {@link #gaps}.
 *
 * <p><b>Paging.</b> {@code afterId} is a cursor within one pass over the pending entries: begin a
 * pass at 0 and continue after the last id of each page. With concurrent appenders an entry can
 * become visible after entries with higher ids (database transactions commit out of id order), so
 * a pass may miss an entry appended while it ran; the entry stays pending and the next pass finds
 * it.
 *
 * <p>The abstract test {@code dev.cutover.testkit.contract.FailedWriteJournalContract} in cutover-testkit checks all
 * of this; an implementation's tests can extend it.
 *
 * @since 0.1.0
 */
public interface FailedWriteJournal {

    /**
     * Records that a key may differ, replacing the pending entries of the same repository, key and
     * target.
     *
     * @param write what was missed
     * @return the new entry's id, larger than every id returned before
     * @throws IllegalArgumentException when an identifying field cannot be stored unaltered
     * @throws Exception when the backing store could not record it
     */
    long append(FailedWrite write) throws Exception;

    /**
     * Up to {@code limit} unresolved entries with an id above {@code afterId}, oldest (lowest id)
     * first.
     *
     * @param afterId 0 (or any id below 1) to start from the oldest; else the last id of the
     *     previous page
     * @param limit the most entries to return, at least 1
     * @return the page, empty when no entry is pending above {@code afterId}
     * @throws IllegalArgumentException when {@code limit < 1}
     * @throws Exception when the backing store could not be read
     */
    List<JournalEntry> pending(long afterId, int limit) throws Exception;

    /**
     * Marks entries repaired, so they are no longer pending. Idempotent: ids that are unknown,
     * replaced by a later append, or already resolved are ignored.
     *
     * @param ids the ids of repaired entries, in any order, duplicates allowed; none null
     * @throws Exception when the backing store could not be updated
     */
    void resolve(Collection<Long> ids) throws Exception;

    /**
     * How many entries are unresolved.
     *
     * @return the number of pending entries
     * @throws Exception when the backing store could not be read
     */
    long pendingCount() throws Exception;

    /**
     * Inserts a gap, or replaces the gap with the same id (which opens it again if it was closed).
     *
     * @throws IllegalArgumentException when a field cannot be stored unaltered
     * @throws Exception when the backing store could not record it
     */
    void putGap(Gap gap) throws Exception;

    /**
     * Deletes a gap; unknown ids are ignored.
     *
     * @throws Exception when the backing store could not be updated
     */
    void removeGap(String id) throws Exception;

    /**
     * Every gap not closed, including the run records of live processes, oldest {@code from} first.
     *
     * @throws Exception when the backing store could not be read
     */
    List<Gap> gaps() throws Exception;

    /**
     * Closes every gap (of any repository in this journal) that ended before {@code
     * reconciledFrom}: call it after a full reconciliation that started then was repaired without
     * failures. Run records of live processes end in the future, so they stay.
     *
     * @param reconciledFrom when the reconciliation started
     * @return how many gaps were closed
     * @throws Exception when the backing store could not be updated
     */
    int closeGaps(Instant reconciledFrom) throws Exception;

    /**
     * The gaps that block a move past {@code SHADOW} at {@code now} ({@link Gap#isOpenAt}).
     *
     * @throws Exception when the backing store could not be read
     */
    default List<Gap> openGaps(Instant now) throws Exception {
        List<Gap> open = new ArrayList<>();
        for (Gap g : gaps()) {
            if (g.isOpenAt(now)) {
                open.add(g);
            }
        }
        return open;
    }
}
