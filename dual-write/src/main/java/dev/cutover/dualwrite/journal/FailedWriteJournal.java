package dev.cutover.dualwrite.journal;

import java.util.Collection;
import java.util.List;

/**
 * Where shadow writes that did not succeed are kept until reconciliation repairs them. The
 * dual-write proxy appends; a repair job reads pending entries oldest first and resolves them once
 * the keys are repaired.
 *
 * <pre>{@code
 * FailedWriteJournal journal = JdbcFailedWriteJournal.builder(dataSource).build();
 * // the proxy, on a shadow thread:
 * journal.append(new FailedWrite("OrderRepository", "save", "order-42",
 *     FailedWrite.Target.NEW, FailedWrite.Reason.TIMED_OUT, "no answer within 50 ms", Instant.now()));
 * // a repair job:
 * List<JournalEntry> page = journal.pending(0, 100);
 * }</pre>
 *
 * <p><b>Contract for implementations.</b> Thread-safe. {@link #append} is durable when it returns
 * (as durable as the backing store) and assigns increasing ids: unique, at least 1, and larger
 * than every id it returned before. An entry stays pending until resolved; resolving an unknown or
 * already resolved id does nothing. The proxy calls {@link #append} on its shadow threads, never
 * on the caller's; when it throws, the proxy logs the write at ERROR with its key and counts it in
 * {@code cutover.dualwrite.journal.errors}, so an implementation should throw only when it really
 * could not record. Every field of the write reads back as appended, {@code at} to at least the
 * millisecond; an implementation may shorten {@code detail} (the journals of this package keep
 * {@value JdbcFailedWriteJournal#MAX_DETAIL_LENGTH} characters) but never an identifying field: it
 * rejects one it cannot store with an {@link IllegalArgumentException} naming the length and the
 * limit. Null arguments throw {@link NullPointerException}.
 *
 * <p><b>Paging.</b> {@code afterId} is a cursor within one pass over the pending entries: begin a
 * pass at 0 and continue after the last id of each page. With concurrent appenders an entry can
 * become visible after entries with higher ids (database transactions commit out of id order), so
 * a pass may miss an entry appended while it ran; the entry stays pending and the next pass finds
 * it.
 *
 * <p>The abstract test {@code FailedWriteJournalContract} in this module's test sources checks all
 * of this; an implementation's tests can extend it.
 *
 * @since 0.1.0
 */
public interface FailedWriteJournal {

  /**
   * Records a missed write.
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
   * Marks entries repaired, so they are no longer pending. Idempotent: ids that are unknown or
   * already resolved are ignored.
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
}
