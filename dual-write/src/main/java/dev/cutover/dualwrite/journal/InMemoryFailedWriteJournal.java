package dev.cutover.dualwrite.journal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FailedWriteJournal} in memory, for tests and for services that reconcile fully anyway:
 * entries are lost when the process ends. Use {@link JdbcFailedWriteJournal} to keep them.
 *
 * <pre>{@code
 * InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
 * OrderRepository orders = DualWrite.of(OrderRepository.class)...journal(journal).build();
 * ...
 * assertThat(journal.pending()).extracting(e -> e.write().entityKey()).containsExactly("order-42");
 * }</pre>
 *
 * <p>It applies the same limits as {@link JdbcFailedWriteJournal} (identifying fields rejected
 * beyond their length, detail shortened), so a test fails where production would. Resolved
 * entries are dropped. Thread-safe and lock-free: a counter assigns ids, a concurrent sorted map
 * holds the pending entries.
 *
 * @since 0.1.0
 */
public final class InMemoryFailedWriteJournal implements FailedWriteJournal {
  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentSkipListMap<Long, FailedWrite> pending = new ConcurrentSkipListMap<>();

  /** An empty journal. */
  public InMemoryFailedWriteJournal() {}

  @Override
  public long append(FailedWrite write) {
    FailedWrite checked = FailedWriteChecks.checked(write);
    long id = ids.incrementAndGet();
    pending.put(id, checked);
    return id;
  }

  @Override
  public List<JournalEntry> pending(long afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
    }
    List<JournalEntry> page = new ArrayList<>();
    for (Map.Entry<Long, FailedWrite> e : pending.tailMap(afterId, false).entrySet()) {
      if (page.size() == limit) {
        break;
      }
      page.add(new JournalEntry(e.getKey(), e.getValue()));
    }
    return page;
  }

  /** Every unresolved entry, oldest first. */
  public List<JournalEntry> pending() {
    return pending(0, Integer.MAX_VALUE);
  }

  @Override
  public void resolve(Collection<Long> ids) {
    Objects.requireNonNull(ids, "ids");
    for (Long id : ids) {
      Objects.requireNonNull(id, "ids must not contain null");
    }
    for (Long id : ids) {
      pending.remove(id);
    }
  }

  @Override
  public long pendingCount() {
    return pending.size();
  }

  @Override
  public String toString() {
    return "InMemoryFailedWriteJournal[" + pending.size() + " pending]";
  }
}
