package dev.cutover.dualwrite.e2e;

import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The migration tooling of the test: a backfill and a journal repair, copying keys from one store
 * to the other while callers may keep writing through the proxy.
 *
 * <p>There is no versioned apply yet (a write that lands only if it is newer), so a plain copy,
 * "read the source, write the target", races with callers: a caller writing the key between the
 * read and the write has its shadow write overwritten by the older value, and a caller deleting it
 * in between sees the row come back in the target (the shadow delete found nothing to delete).
 * Neither is journaled when the shadow write succeeded. {@link #backfill} is that plain copy; run
 * it with the new store's breaker forced open, so that every write it can race with is journaled,
 * and repair the journal afterwards. {@link #copy}, which the repair uses, verifies itself: after
 * writing the target it reads the source again and copies again until the source did not change
 * meanwhile. That is enough while the source is the store callers write first and the target gets
 * their writes as shadow writes: a caller write that reached the source before the verifying read
 * has its shadow write queued behind the older ones of the key, so it lands after the copy; one
 * that reaches the source later makes the verifying read differ.
 */
final class KeyCopier {
    /** A journal repair pass: entries resolved, distinct keys, keys the target had wrong, of them rows it should not have had, extra copies. */
    record Repair(int entries, int keys, int fixed, int removed, int recopies, int intoAuthoritative) {}

    private static final int MAX_ATTEMPTS = 100;

    private final CustomerRepository oldStore;
    private final CustomerRepository newStore;

    KeyCopier(CustomerRepository oldStore, CustomerRepository newStore) {
        this.oldStore = oldStore;
        this.newStore = newStore;
    }

    /** Copies every row of PostgreSQL to DynamoDB, a page at a time, the plain way; returns the rows copied. */
    int backfill(JdbcCustomerRepository source) {
        int rows = 0;
        String after = "";
        for (List<Customer> page;
                !(page = source.page(after, 50)).isEmpty();
                after = page.get(page.size() - 1).id()) {
            for (Customer row : page) {
                newStore.save(row);
                rows++;
            }
        }
        return rows;
    }

    /**
     * One pass over the pending journal entries: copies each key from the store that has the write
     * to the one that missed it, then resolves the entries. {@code stage} is the stage now, to count
     * entries whose copy writes the authoritative store: such a copy races with callers' writes in a
     * way the verifying read does not catch (a caller's write can be overwritten for good), so
     * repairs should run while the store that missed the writes is still the shadow one, or with
     * callers paused.
     */
    Repair repairJournal(FailedWriteJournal journal, Stage stage) throws Exception {
        int entries = 0;
        int fixed = 0;
        int removed = 0;
        int recopies = 0;
        int intoAuthoritative = 0;
        Set<String> keys = new LinkedHashSet<>();
        long after = 0;
        for (List<JournalEntry> page;
                !(page = journal.pending(after, 100)).isEmpty();
                after = page.get(page.size() - 1).id()) {
            List<Long> repaired = new ArrayList<>();
            for (JournalEntry e : page) {
                FailedWrite w = e.write();
                String key = w.entityKey();
                if (key == null) {
                    throw new AssertionError("a journaled write without entity key needs a full reconciliation: " + w);
                }
                Side missed = w.target() == FailedWrite.Target.OLD ? Side.OLD : Side.NEW;
                if (missed == stage.authoritative()) {
                    intoAuthoritative++;
                }
                if (keys.add(key)) {
                    Copy c = copy(key, missed.other());
                    fixed += c.fixed() ? 1 : 0;
                    removed += c.removed() ? 1 : 0;
                    recopies += c.attempts() - 1;
                }
                repaired.add(e.id());
                entries++;
            }
            journal.resolve(repaired);
        }
        return new Repair(entries, keys.size(), fixed, removed, recopies, intoAuthoritative);
    }

    /**
     * One key copied until the source held still.
     *
     * @param fixed whether the target differed from the source at the first copy
     * @param removed whether the target had a row the source did not
     */
    record Copy(int attempts, boolean fixed, boolean removed) {}

    /** Copies one key from {@code from} to the other store until {@code from} did not change during the copy. */
    Copy copy(String id, Side from) {
        CustomerRepository source = from == Side.OLD ? oldStore : newStore;
        CustomerRepository target = from == Side.OLD ? newStore : oldStore;
        Optional<Customer> value = source.find(id).map(Customer::canonical);
        Optional<Customer> had = target.find(id).map(Customer::canonical);
        boolean fixed = !had.equals(value);
        boolean removed = had.isPresent() && value.isEmpty();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (value.isPresent()) {
                target.save(value.get());
            } else {
                target.delete(id);
            }
            Optional<Customer> now = source.find(id).map(Customer::canonical);
            if (now.equals(value)) {
                return new Copy(attempt, fixed, removed);
            }
            value = now;
        }
        throw new AssertionError("key " + id + " changed during each of " + MAX_ATTEMPTS + " copies");
    }
}
