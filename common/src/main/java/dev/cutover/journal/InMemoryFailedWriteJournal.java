package dev.cutover.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link FailedWriteJournal} in memory, for tests and for services that reconcile fully anyway:
 * entries and gaps are lost when the process ends. Use {@link JdbcFailedWriteJournal} to keep them.
 *
 * <pre>{@code
 * InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
 * OrderRepository orders = DualWrite.of(OrderRepository.class)...journal(journal).build();
 * ...
 * assertThat(journal.pending()).extracting(e -> e.write().entityKey()).containsExactly("order-42");
 * }</pre>
 *
 * <p>It applies the same limits as {@link JdbcFailedWriteJournal} (identifying fields rejected
 * beyond their length, detail shortened), so a test fails where production would, and coalesces
 * the same way: one pending entry per repository, key and target, so it holds at most as many
 * entries as distinct keys were appended. Resolved entries are dropped. Thread-safe: a counter
 * assigns ids, a concurrent sorted map holds the pending entries, and an append replaces the
 * entry of its key atomically (one {@code compute} per key).
 *
 * @since 0.1.0
 */
public final class InMemoryFailedWriteJournal implements FailedWriteJournal {
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentSkipListMap<Long, FailedWrite> pending = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<Slot, Long> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Gap> gaps = new ConcurrentHashMap<>();

    /** The coalescing key of an entry. */
    private record Slot(String repository, @Nullable String key, FailedWrite.Target target) {
        static Slot of(FailedWrite w) {
            return new Slot(w.repository(), w.entityKey(), w.target());
        }
    }

    /** An empty journal. */
    public InMemoryFailedWriteJournal() {}

    @Override
    public long append(FailedWrite write) {
        FailedWrite checked = FailedWriteChecks.checked(write);
        long[] id = new long[1];
        byKey.compute(Slot.of(checked), (slot, old) -> {
            if (old != null) {
                pending.remove(old);
            }
            id[0] = ids.incrementAndGet();
            pending.put(id[0], checked);
            return id[0];
        });
        return id[0];
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
            FailedWrite w = pending.get(id);
            if (w != null) {
                byKey.computeIfPresent(Slot.of(w), (slot, current) -> {
                    if (current.equals(id)) {
                        pending.remove(id);
                        return null;
                    }
                    return current;
                });
            }
        }
    }

    @Override
    public long pendingCount() {
        return pending.size();
    }

    @Override
    public void putGap(Gap gap) {
        Objects.requireNonNull(gap, "gap");
        Gap checked = FailedWriteChecks.checked(gap);
        gaps.put(checked.id(), checked);
    }

    @Override
    public void removeGap(String id) {
        gaps.remove(Objects.requireNonNull(id, "id"));
    }

    @Override
    public List<Gap> gaps() {
        List<Gap> all = new ArrayList<>(gaps.values());
        all.sort(Comparator.comparing(Gap::from).thenComparing(Gap::id));
        return all;
    }

    @Override
    public int closeGaps(Instant reconciledFrom) {
        Objects.requireNonNull(reconciledFrom, "reconciledFrom");
        int closed = 0;
        for (Gap g : gaps.values()) {
            if (g.to().isBefore(reconciledFrom) && gaps.remove(g.id(), g)) {
                closed++;
            }
        }
        return closed;
    }

    @Override
    public String toString() {
        return "InMemoryFailedWriteJournal[" + pending.size() + " pending, " + gaps.size() + " gaps]";
    }
}
