package dev.cutover.testkit.contract;

import static dev.cutover.testkit.contract.FlagStoreContract.sameDocument;
import static dev.cutover.testkit.contract.WritableFlagStoreContract.AUDIT;
import static dev.cutover.testkit.contract.WritableFlagStoreContract.counterFlag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The audit history tests of {@link WritableFlagStoreContract}: records newest first with actor,
 * reason, before, after and revision, and pages that cover every record once. Made by each test
 * method of the contract, after the store under test was created.
 *
 * @param <S> the store type
 */
final class AuditHistoryChecks<S extends WritableFlagStore> {
    private final WritableFlagStoreContract<S> contract;
    private final S store;

    AuditHistoryChecks(WritableFlagStoreContract<S> contract) {
        this.contract = contract;
        this.store = contract.store;
    }

    private RawFlag current(String key) throws Exception {
        return contract.current(key);
    }

    /** Every audit record of {@code key}, following the page tokens to the end. */
    static List<AuditRecord> fullHistory(WritableFlagStore store, String key) throws Exception {
        List<AuditRecord> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            AuditPage page = store.history(key, token, 1000);
            all.addAll(page.records());
            token = page.nextPageToken();
            if (++pages > 1000) {
                fail("history of '" + key + "' never ends");
            }
        } while (token != null);
        return all;
    }

    void historyIsNewestFirstAndCarriesTheAudit() throws Exception {
        String key = "contract.history";
        AuditInfo create = new AuditInfo("alice", "launch");
        AuditInfo update = new AuditInfo("bob", "ramp up");
        AuditInfo remove = new AuditInfo("carol", "clean up");

        Flag v1 = store.put(Flag.booleanFlag(key, false), 0, create);
        long r1 = store.headRevision();
        String json1 = current(key).json();
        store.put(Flag.booleanFlag("contract.history-other", true), 0, AUDIT);
        Flag v2 = store.put(Flag.booleanFlag(key, true), v1.version(), update);
        long r2 = store.headRevision();
        String json2 = current(key).json();
        store.delete(key, v2.version(), remove);
        long r3 = store.headRevision();

        AuditPage page = store.history(key, null, 10);
        assertNull(page.nextPageToken(), "everything fits one page");
        List<AuditRecord> records = page.records();
        assertEquals(3, records.size(), () -> "records: " + records);

        AuditRecord deleted = records.get(0);
        AuditRecord updated = records.get(1);
        AuditRecord created = records.get(2);
        for (AuditRecord r : records) {
            assertEquals(key, r.key(), "history of one flag holds only that flag");
            assertNotNull(r.at());
        }

        assertEquals("carol", deleted.actor());
        assertEquals("clean up", deleted.reason());
        assertEquals(v2.version(), deleted.version(), "a delete records the version deleted");
        assertNull(deleted.after(), "a delete has no 'after'");
        assertNotNull(deleted.before());
        assertTrue(sameDocument(json2, deleted.before()), "delete 'before'");
        assertEquals(r3, deleted.revision(), "revision of the delete");

        assertEquals("bob", updated.actor());
        assertEquals("ramp up", updated.reason());
        assertEquals(v2.version(), updated.version());
        assertNotNull(updated.before());
        assertNotNull(updated.after());
        assertTrue(sameDocument(json1, updated.before()), "update 'before'");
        assertTrue(sameDocument(json2, updated.after()), "update 'after'");
        assertEquals(r2, updated.revision(), "revision of the update");

        assertEquals("alice", created.actor());
        assertEquals("launch", created.reason());
        assertEquals(v1.version(), created.version());
        assertNull(created.before(), "a create has no 'before'");
        assertNotNull(created.after());
        assertTrue(sameDocument(json1, created.after()), "create 'after'");
        assertEquals(r1, created.revision(), "revision of the create");

        for (int i = 0; i + 1 < records.size(); i++) {
            AuditRecord newer = records.get(i);
            AuditRecord older = records.get(i + 1);
            assertTrue(newer.revision() > older.revision(), "newest first by revision");
            assertFalse(older.at().isAfter(newer.at()), "newest first by time");
        }
    }

    void historyPagesCoverEveryRecordOnceInOrder() throws Exception {
        String key = "contract.pages";
        Flag flag = store.put(counterFlag(key, 0), 0, new AuditInfo("writer", "write 0"));
        for (int i = 1; i < 7; i++) {
            flag = store.put(counterFlag(key, i), flag.version(), new AuditInfo("writer", "write " + i));
            store.put(counterFlag("contract.pages-noise-" + i, i), 0, AUDIT);
        }
        List<AuditRecord> all = store.history(key, null, 100).records();
        assertEquals(7, all.size(), () -> "history: " + all);

        for (int pageSize : new int[] {1, 3, 7}) {
            List<AuditRecord> paged = new ArrayList<>();
            Set<String> tokens = new HashSet<>();
            String token = null;
            int pages = 0;
            do {
                AuditPage page = store.history(key, token, pageSize);
                pages++;
                assertTrue(page.records().size() <= pageSize, "page larger than pageSize " + pageSize);
                assertFalse(page.records().isEmpty(), "empty page before the last token");
                paged.addAll(page.records());
                token = page.nextPageToken();
                if (token != null) {
                    assertTrue(tokens.add(token), "page token repeated: " + token);
                }
                assertTrue(pages <= 7, "too many pages for pageSize " + pageSize);
            } while (token != null);
            assertEquals((7 + pageSize - 1) / pageSize, pages, "pages for pageSize " + pageSize);
            assertEquals(summary(all), summary(paged), "pages of size " + pageSize);
        }
        for (int i = 0; i < all.size(); i++) {
            assertEquals("write " + (6 - i), all.get(i).reason(), "newest first");
            if (i + 1 < all.size()) {
                assertTrue(all.get(i).version() > all.get(i + 1).version(), "versions newest first");
            }
        }
    }

    private static List<String> summary(List<AuditRecord> records) {
        List<String> s = new ArrayList<>();
        for (AuditRecord r : records) {
            s.add(r.version() + "@" + r.revision() + ":" + r.reason());
        }
        return s;
    }
}
