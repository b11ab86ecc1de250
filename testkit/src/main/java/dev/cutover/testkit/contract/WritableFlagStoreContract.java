package dev.cutover.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.flags.Flag;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link WritableFlagStore}, on top of the {@link FlagStoreContract read
 * contract}: compare-and-set writes and deletes, conflicts that name key, expected and actual
 * version and write nothing, no lost update under concurrent writers, and an audit history that is
 * newest first, paginated, and carries actor, reason, before, after and revision.
 *
 * <pre>{@code
 * class InMemoryFlagStoreContractTest extends WritableFlagStoreContract<InMemoryFlagStore> {
 *   @Override protected InMemoryFlagStore createStore() { return new InMemoryFlagStore(); }
 *   @Override protected void putRaw(InMemoryFlagStore store, String key, String json) {
 *     store.putRaw(key, json);
 *   }
 * }
 * }</pre>
 *
 * <p>A store that does its compare-and-set in several steps (read the version, then write if
 * unchanged) should also implement {@link #injectWriteRace(WritableFlagStore, Runnable)}, so the
 * contract can land a competing write between those steps.
 *
 * @param <S> the store type
 * @since 0.1.0
 */
public abstract class WritableFlagStoreContract<S extends WritableFlagStore> extends FlagStoreContract<S> {

    /** The audit of the contract's ordinary writes. */
    protected static final AuditInfo AUDIT = new AuditInfo("contract", "store contract test");

    /** For subclasses. */
    protected WritableFlagStoreContract() {}

    // ---------------------------------------------------------------------------------------------
    // hooks

    /**
     * The store that concurrent writer number {@code writer} (0-based) uses. Default: the store
     * under test itself, shared by all threads. A store backed by a database may return a second
     * instance over the same database, to model two processes writing at once.
     */
    protected WritableFlagStore writer(S store, int writer) throws Exception {
        return store;
    }

    /**
     * Arranges for {@code competingWrite} to run once inside the store's next
     * {@link WritableFlagStore#put put} or {@link WritableFlagStore#delete delete}, after the store
     * has read the current version and before it writes conditionally, like the update hook of
     * LaunchDarkly's persistent store tests. Returns whether the store supports this; the default
     * returns false, and the race is then only tested from outside the store.
     */
    protected boolean injectWriteRace(S store, Runnable competingWrite) throws Exception {
        return false;
    }

    /** Threads used by the concurrency tests; default 4. */
    protected int concurrentWriters() {
        return 4;
    }

    /** Increments each writer makes in the lost-update test; default 25. */
    protected int incrementsPerWriter() {
        return 25;
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** A number flag whose single variant {@code value} is {@code value}. */
    protected static Flag counterFlag(String key, int value) {
        return Flag.builder(key)
                .type(VariantType.NUMBER)
                .variant("value", value)
                .build();
    }

    static int counterValue(RawFlag raw) {
        return Flag.fromJson(raw.json()).variant("value").orElseThrow().intValue();
    }

    /** The flag without the fields a store sets: version, updatedAt, updatedBy. */
    protected static Flag withoutStoreFields(Flag flag) {
        return flag.toBuilder().version(0).updatedAt(null).updatedBy(null).build();
    }

    /** A flag that uses every part of the format. */
    protected static Flag richFlag(String key) {
        return ContractFlags.rich(key);
    }

    RawFlag current(String key) throws Exception {
        return store.get(key).orElseThrow(() -> new AssertionError("flag '" + key + "' is absent"));
    }

    static FlagWriteConflictException assertConflict(
            FlagWriteConflictException e, String key, long expected, long actual) {
        assertEquals(key, e.key(), "conflict key");
        assertEquals(expected, e.expectedVersion(), "conflict expected version");
        assertEquals(actual, e.actualVersion(), "conflict actual version");
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(key), () -> "conflict message does not name the key: " + e.getMessage());
        return e;
    }

    private List<AuditRecord> fullHistory(String key) throws Exception {
        return AuditHistoryChecks.fullHistory(store, key);
    }

    // ---------------------------------------------------------------------------------------------
    // compare-and-set

    @Test
    void createWithExpectedVersionZero() throws Exception {
        Flag flag = Flag.booleanFlag("contract.create", true);
        long before = store.headRevision();
        Flag stored = store.put(flag, 0, AUDIT);
        assertTrue(stored.version() >= 1, () -> "version of a created flag: " + stored.version());
        assertEquals(withoutStoreFields(flag), withoutStoreFields(stored), "stored definition");
        RawFlag raw = current("contract.create");
        assertEquals("contract.create", raw.key());
        assertEquals(stored.version(), raw.version(), "get() version");
        assertEquals(stored, Flag.fromJson(raw.json()), "get() returns the flag as stored");
        assertTrue(store.headRevision() > before, "revision did not grow on create");
        assertEquals(stored.version(), document(store.load(), "contract.create").version());
    }

    @Test
    void storedFlagsKeepEveryPartOfTheDefinition() throws Exception {
        Flag flag = richFlag("contract.rich");
        Flag stored = store.put(flag, 0, AUDIT);
        assertEquals(withoutStoreFields(flag), withoutStoreFields(stored));
        assertEquals(
                withoutStoreFields(flag),
                withoutStoreFields(Flag.fromJson(current("contract.rich").json())));
        assertEquals(
                withoutStoreFields(flag),
                withoutStoreFields(
                        Flag.fromJson(document(store.load(), "contract.rich").json())));
    }

    @Test
    void metadataAndAMissingOffVariantSurviveTheStore() throws Exception {
        Flag flag = ContractFlags.metadata("contract.metadata");
        Flag stored = store.put(flag, 0, AUDIT);
        for (Flag read : List.of(
                stored,
                Flag.fromJson(current("contract.metadata").json()),
                Flag.fromJson(document(store.load(), "contract.metadata").json()))) {
            assertEquals(flag.metadata(), read.metadata(), "metadata as stored");
            read.metadata()
                    .forEach((name, value) -> assertEquals(
                            flag.metadata().get(name).getClass(),
                            value.getClass(),
                            () -> "type of metadata entry '" + name + "'"));
            assertEquals(
                    List.copyOf(flag.metadata().keySet()),
                    List.copyOf(read.metadata().keySet()),
                    "order");
            assertTrue(read.offVariant().isEmpty(), () -> "an off-variant appeared: " + read.offVariant());
            assertEquals(withoutStoreFields(flag), withoutStoreFields(read));
        }
        Flag changed =
                store.put(stored.toBuilder().metadata(Map.of("owner", "team-b")).build(), stored.version(), AUDIT);
        assertEquals(
                Map.of("owner", "team-b"),
                Flag.fromJson(current("contract.metadata").json()).metadata());
        assertEquals(changed.metadata(), Map.of("owner", "team-b"));
    }

    @Test
    void createOverAnExistingFlagConflicts() throws Exception {
        Flag stored = store.put(Flag.booleanFlag("contract.exists", false), 0, AUDIT);
        long revision = store.headRevision();
        FlagWriteConflictException e = assertThrows(
                FlagWriteConflictException.class, () -> store.put(Flag.booleanFlag("contract.exists", true), 0, AUDIT));
        assertConflict(e, "contract.exists", 0, stored.version());
        assertEquals(stored, Flag.fromJson(current("contract.exists").json()), "nothing written");
        assertEquals(revision, store.headRevision(), "a failed write must not move the revision");
    }

    @Test
    void updateWithTheCurrentVersion() throws Exception {
        Flag v1 = store.put(Flag.booleanFlag("contract.update", false), 0, AUDIT);
        Flag v2 = store.put(Flag.booleanFlag("contract.update", true), v1.version(), AUDIT);
        assertTrue(v2.version() > v1.version(), () -> "version " + v1.version() + " -> " + v2.version());
        Flag v3 = store.put(Flag.stringFlag("contract.update", "NEW"), v2.version(), AUDIT);
        assertTrue(v3.version() > v2.version());
        assertEquals(v3, Flag.fromJson(current("contract.update").json()));
        assertEquals(
                VariantType.STRING,
                Flag.fromJson(document(store.load(), "contract.update").json()).type());
    }

    @Test
    void staleUpdateConflictsAndWritesNothing() throws Exception {
        Flag v1 = store.put(Flag.booleanFlag("contract.stale", false), 0, AUDIT);
        Flag v2 = store.put(Flag.booleanFlag("contract.stale", true), v1.version(), AUDIT);
        long revision = store.headRevision();
        int historySize = fullHistory("contract.stale").size();

        FlagWriteConflictException e = assertThrows(
                FlagWriteConflictException.class,
                () -> store.put(Flag.stringFlag("contract.stale", "LOST"), v1.version(), AUDIT));
        assertConflict(e, "contract.stale", v1.version(), v2.version());
        assertThrows(
                FlagWriteConflictException.class,
                () -> store.put(Flag.stringFlag("contract.stale", "LOST"), v2.version() + 1, AUDIT));

        assertEquals(v2, Flag.fromJson(current("contract.stale").json()), "nothing written");
        assertEquals(revision, store.headRevision(), "a failed write must not move the revision");
        assertEquals(historySize, fullHistory("contract.stale").size(), "a failed write must not be audited");
    }

    @Test
    void deleteRemovesTheFlag() throws Exception {
        Flag v1 = store.put(Flag.booleanFlag("contract.delete", true), 0, AUDIT);
        store.put(Flag.booleanFlag("contract.keep", true), 0, AUDIT);
        long before = store.headRevision();
        store.delete("contract.delete", v1.version(), AUDIT);
        assertEquals(Optional.empty(), store.get("contract.delete"));
        assertEquals(Set.of("contract.keep"), keys(store.load()));
        assertTrue(store.headRevision() > before, "revision did not grow on delete");
    }

    @Test
    void staleDeleteConflictsAndDeletesNothing() throws Exception {
        Flag v1 = store.put(Flag.booleanFlag("contract.stale-delete", false), 0, AUDIT);
        Flag v2 = store.put(Flag.booleanFlag("contract.stale-delete", true), v1.version(), AUDIT);
        long revision = store.headRevision();
        FlagWriteConflictException e = assertThrows(
                FlagWriteConflictException.class, () -> store.delete("contract.stale-delete", v1.version(), AUDIT));
        assertConflict(e, "contract.stale-delete", v1.version(), v2.version());
        assertEquals(v2, Flag.fromJson(current("contract.stale-delete").json()), "nothing deleted");
        assertEquals(revision, store.headRevision(), "a failed delete must not move the revision");
    }

    @Test
    void deleteOfAnAbsentFlagConflicts() throws Exception {
        long revision = store.headRevision();
        FlagWriteConflictException e =
                assertThrows(FlagWriteConflictException.class, () -> store.delete("contract.absent", 1, AUDIT));
        assertConflict(e, "contract.absent", 1, 0);
        assertEquals(revision, store.headRevision());
    }

    @Test
    void aDeletedFlagCanBeCreatedAgain() throws Exception {
        Flag v1 = store.put(Flag.booleanFlag("contract.again", true), 0, AUDIT);
        store.delete("contract.again", v1.version(), AUDIT);
        Flag again = store.put(Flag.booleanFlag("contract.again", false), 0, AUDIT);
        // a version above the deleted one: an operator still holding the old version must conflict
        assertTrue(
                again.version() > v1.version(),
                "re-created at version " + again.version() + ", not above the deleted " + v1.version());
        assertThrows(
                FlagWriteConflictException.class,
                () -> store.put(Flag.booleanFlag("contract.again", true), v1.version(), AUDIT));
        assertEquals(again, Flag.fromJson(current("contract.again").json()));
    }

    @Test
    void everyWriteMovesTheRevisionForward() throws Exception {
        long previous = store.headRevision();
        Flag a = store.put(Flag.booleanFlag("contract.rev-a", true), 0, AUDIT);
        previous = assertGrew(previous, "create a");
        Flag b = store.put(Flag.booleanFlag("contract.rev-b", true), 0, AUDIT);
        previous = assertGrew(previous, "create b");
        a = store.put(Flag.booleanFlag("contract.rev-a", false), a.version(), AUDIT);
        previous = assertGrew(previous, "update a");
        store.delete("contract.rev-b", b.version(), AUDIT);
        previous = assertGrew(previous, "delete b");
        putRaw(store, "contract.rev-c", booleanFlagJson("contract.rev-c", true));
        assertGrew(previous, "side-channel put c");
        assertEquals(store.headRevision(), store.load().revision());
        assertEquals(a.version(), current("contract.rev-a").version());
    }

    private long assertGrew(long previous, String write) throws Exception {
        long now = store.headRevision();
        assertTrue(now > previous, () -> "revision " + now + " after " + write + " not above " + previous);
        assertEquals(now, store.load().revision(), () -> "load() revision after " + write);
        return now;
    }

    @Test
    void aBadDocumentCanBeReadAndReplacedByCompareAndSet() throws Exception {
        String bad = badDocuments().values().iterator().next();
        putRaw(store, "contract.fix-me", bad);
        RawFlag raw = current("contract.fix-me");
        assertTrue(sameDocument(bad, raw.json()), () -> "get() changed the bad document: " + raw.json());
        Flag fixed = store.put(Flag.booleanFlag("contract.fix-me", false), raw.version(), AUDIT);
        assertTrue(fixed.version() > raw.version());
        assertEquals(fixed, Flag.fromJson(current("contract.fix-me").json()));
    }

    // ---------------------------------------------------------------------------------------------
    // races

    @Test
    void aWriteBetweenReadAndCompareAndSetMakesTheStaleWriterLose() throws Exception {
        new FlagWriteRaces<>(this).aWriteBetweenReadAndCompareAndSetMakesTheStaleWriterLose();
    }

    @Test
    void concurrentWritersFromTheSameVersionExactlyOneWins() throws Exception {
        new FlagWriteRaces<>(this).concurrentWritersFromTheSameVersionExactlyOneWins();
    }

    @Test
    void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
        new FlagWriteRaces<>(this).concurrentReadModifyWriteLosesNoUpdate();
    }

    // ---------------------------------------------------------------------------------------------
    // history

    @Test
    void historyIsNewestFirstAndCarriesTheAudit() throws Exception {
        new AuditHistoryChecks<>(this).historyIsNewestFirstAndCarriesTheAudit();
    }

    @Test
    void historyPagesCoverEveryRecordOnceInOrder() throws Exception {
        new AuditHistoryChecks<>(this).historyPagesCoverEveryRecordOnceInOrder();
    }

    @Test
    void historyOfAnUnknownFlagIsEmpty() throws Exception {
        AuditPage page = store.history("contract.never-written", null, 10);
        assertTrue(page.records().isEmpty());
        assertNull(page.nextPageToken());
    }

    // ---------------------------------------------------------------------------------------------
    // push

    @Test
    void compareAndSetWritesSendPushHintsWhenTheStoreSupportsPush() throws Exception {
        AtomicInteger hints = new AtomicInteger();
        Subscription subscription = store.subscribe(hints::incrementAndGet);
        assertNotNull(subscription);
        closeAfterTest(subscription);
        Flag flag = store.put(Flag.booleanFlag("contract.push-cas", true), 0, AUDIT);
        if (subscription == Subscription.NONE) {
            assertEquals(flag.version(), current("contract.push-cas").version());
            return;
        }
        awaitTrue(() -> hints.get() > 0, () -> "no push hint within " + pushDeadline() + " after put()");
        // a store may also hint when it (re)connects: wait for quiet so only the write can count
        int beforeUpdate = quiet(hints);
        Flag updated = store.put(Flag.booleanFlag("contract.push-cas", false), flag.version(), AUDIT);
        awaitTrue(() -> hints.get() > beforeUpdate, () -> "no push hint within " + pushDeadline() + " after put()");
        int beforeDelete = quiet(hints);
        store.delete("contract.push-cas", updated.version(), AUDIT);
        awaitTrue(() -> hints.get() > beforeDelete, () -> "no push hint within " + pushDeadline() + " after delete()");
    }

    /** Waits until no hint has arrived for 300 ms (at most the push deadline); returns the count. */
    private int quiet(AtomicInteger hints) {
        long end = System.nanoTime() + pushDeadline().toNanos();
        int seen = hints.get();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < end) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            int now = hints.get();
            if (now != seen) {
                seen = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 300_000_000L) {
                break;
            }
        }
        return seen;
    }
}
