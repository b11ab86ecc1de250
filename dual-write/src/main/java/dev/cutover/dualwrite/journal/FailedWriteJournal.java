package dev.cutover.dualwrite.journal;

import java.util.Collection;
import java.util.List;

/**
 * Where shadow writes that did not succeed are kept until reconciliation repairs them. The
 * dual-write proxy appends; a repair job reads pending entries oldest first and resolves them once
 * the keys are repaired.
 *
 * <p><b>Contract for implementations.</b> Thread-safe. {@link #append} is durable when it returns
 * (as durable as the backing store) and assigns increasing ids. An entry stays pending until
 * resolved; resolving an unknown or already resolved id does nothing. The proxy calls
 * {@link #append} on its shadow threads, never on the caller's; when it throws, the proxy logs the
 * write at ERROR with its key and counts it in {@code cutover.dualwrite.journal.errors}, so an
 * implementation should throw only when it really could not record.
 *
 * @since 0.1.0
 */
public interface FailedWriteJournal {

  /** Records a missed write; returns its id. */
  long append(FailedWrite write) throws Exception;

  /** Up to {@code limit} unresolved entries with an id above {@code afterId}, oldest first. */
  List<JournalEntry> pending(long afterId, int limit) throws Exception;

  /** Marks entries repaired. */
  void resolve(Collection<Long> ids) throws Exception;

  /** How many entries are unresolved. */
  long pendingCount() throws Exception;
}
