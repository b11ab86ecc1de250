package dev.cutover.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link FlagStore} must meet, as JUnit 5 tests. A store module extends this
 * class in its test sources (or {@link WritableFlagStoreContract} for a writable store) and
 * implements two hooks: {@link #createStore()} and {@link #putRaw(FlagStore, String, String)}.
 *
 * <pre>{@code
 * class JsonFileFlagStoreContractTest extends FlagStoreContract<JsonFileFlagStore> {
 *   @TempDir Path dir;
 *   private final Map<String, String> docs = new LinkedHashMap<>();
 *
 *   @Override protected JsonFileFlagStore createStore() throws Exception {
 *     docs.clear();
 *     writeFile();
 *     return JsonFileFlagStore.of(dir.resolve("flags.json"));
 *   }
 *
 *   @Override protected void putRaw(JsonFileFlagStore store, String key, String json) throws Exception {
 *     long before = store.headRevision();
 *     docs.put(key, json);
 *     writeFile();
 *     awaitRevisionAbove(store, before); // the hook returns once the store shows the document
 *   }
 * }
 * }</pre>
 *
 * <p>What is checked: an empty store loads empty; {@code load()} returns exactly what was put, each
 * key once, bad documents included as they are; {@code headRevision()} equals the revision of
 * {@code load()}, grows with every write and never goes back; a {@link FlagClient} over the store
 * rejects only the bad documents and serves the rest, and picks up later writes; a store that
 * supports push delivers a hint for a write within {@link #pushDeadline()}.
 *
 * <p>No test sleeps for a fixed time: waits are on latches or on polling with a deadline.
 *
 * @param <S> the store type
 * @since 0.1.0
 */
public abstract class FlagStoreContract<S extends FlagStore> {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** The store under test, created by {@link #createStore()} before each test. */
    protected S store;

    private final List<AutoCloseable> cleanups = new ArrayList<>();

    /** For subclasses. */
    protected FlagStoreContract() {}

    // ---------------------------------------------------------------------------------------------
    // hooks

    /** Creates a new, empty store, isolated from the stores of other tests. */
    protected abstract S createStore() throws Exception;

    /**
     * Puts a document into the store by a side channel, bypassing any validation: a new key or a
     * replacement of the existing document of {@code key}. Used to seed data and to inject bad
     * documents. Returns once {@link FlagStore#load()} shows the document, and the store's revision
     * has grown (an eventually consistent store waits here, for example with
     * {@link #awaitRevisionAbove(FlagStore, long)}).
     *
     * @param key the key under which the store holds the document
     * @param json the document, possibly not valid flag JSON
     */
    protected abstract void putRaw(S store, String key, String json) throws Exception;

    /** Releases a store made by {@link #createStore()}; by default {@link FlagStore#close()}. */
    protected void closeStore(S store) throws Exception {
        store.close();
    }

    /** How long a push hint, or a client picking up a write, may take. Default 10 seconds. */
    protected Duration pushDeadline() {
        return Duration.ofSeconds(10);
    }

    /**
     * Documents the store must return as they are from {@link FlagStore#load()} while a
     * {@link FlagClient} rejects them, keyed by store key. The default has malformed JSON and
     * well-formed but invalid flags; a store that can only hold well-formed JSON (a JSON file, a
     * JSON column) overrides this to return {@link #invalidWellFormedDocuments()}.
     */
    protected Map<String, String> badDocuments() {
        Map<String, String> docs = new LinkedHashMap<>(invalidWellFormedDocuments());
        docs.put("contract.bad.malformed", "{\"key\":\"contract.bad.malformed\",\"on\":tru");
        return docs;
    }

    /** Well-formed JSON objects that are not valid flags: unknown operator, type mismatch. */
    protected final Map<String, String> invalidWellFormedDocuments() {
        return ContractDocuments.invalidWellFormed();
    }

    // ---------------------------------------------------------------------------------------------
    // lifecycle and helpers for subclasses

    @BeforeEach
    void createStoreUnderTest() throws Exception {
        store = createStore();
        assertNotNull(store, "createStore() returned null");
    }

    @AfterEach
    void closeEverything() throws Exception {
        Exception failure = null;
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).close();
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        cleanups.clear();
        if (store != null) {
            closeStore(store);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes {@code resource} after the test, before the store (last registered, first closed). */
    protected final <T extends AutoCloseable> T closeAfterTest(T resource) {
        cleanups.add(resource);
        return resource;
    }

    /**
     * A client over the store, closed after the test: short poll interval, so it also works for
     * stores without push.
     */
    protected FlagClient newClient(S store) {
        return closeAfterTest(FlagClient.builder(store)
                .pollInterval(Duration.ofMillis(100))
                .startupTimeout(pushDeadline())
                .build());
    }

    /**
     * Polls {@link FlagStore#headRevision()} until it exceeds {@code revision}, failing after
     * {@link #pushDeadline()}; for {@link #putRaw} hooks of stores that see side-channel writes
     * asynchronously. Exceptions from the store while polling are retried until the deadline.
     */
    protected final void awaitRevisionAbove(S store, long revision) throws Exception {
        awaitTrue(
                () -> {
                    try {
                        return store.headRevision() > revision;
                    } catch (Exception e) {
                        return false;
                    }
                },
                () -> "store revision did not grow above "
                        + revision
                        + " within "
                        + pushDeadline()
                        + " after a side-channel write: the store did not notice the change");
    }

    /**
     * Polls {@code condition} every few milliseconds until it holds, failing with {@code message}
     * after {@link #pushDeadline()}.
     */
    protected final void awaitTrue(BooleanSupplier condition, Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + pushDeadline().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(message.get());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting: " + message.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** A valid boolean flag document with the given key, serving {@code value} to everyone. */
    protected static String booleanFlagJson(String key, boolean value) {
        return Flag.booleanFlag(key, value).toJson();
    }

    /** Whether two documents are the same: equal text, or equal JSON trees. */
    protected static boolean sameDocument(String expected, String actual) {
        return ContractDocuments.same(expected, actual);
    }

    /** The document of {@code key} in the snapshot, failing when it is absent. */
    protected static RawFlag document(StoreSnapshot snapshot, String key) {
        return snapshot.flags().stream()
                .filter(f -> f.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no document '" + key + "' in " + keys(snapshot)));
    }

    /** The keys of the snapshot, checking that none appears twice. */
    protected static Set<String> keys(StoreSnapshot snapshot) {
        Set<String> keys = new HashSet<>();
        for (RawFlag f : snapshot.flags()) {
            assertTrue(keys.add(f.key()), () -> "key '" + f.key() + "' appears twice in one load");
        }
        return keys;
    }

    // ---------------------------------------------------------------------------------------------
    // tests

    @Test
    void emptyStoreLoadsNoFlags() throws Exception {
        StoreSnapshot snapshot = store.load();
        assertTrue(snapshot.flags().isEmpty(), () -> "a new store loaded " + snapshot.flags());
        assertTrue(snapshot.revision() >= 0);
        assertEquals(snapshot.revision(), store.headRevision(), "headRevision() of an empty store");
    }

    @Test
    void loadReturnsExactlyWhatWasPut() throws Exception {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("contract.a", booleanFlagJson("contract.a", true));
        docs.put("contract.b", Flag.stringFlag("contract.b", "SHADOW").toJson());
        docs.put("contract.c", booleanFlagJson("contract.c", false));
        // metadata of every type, and no off-variant: both must come back as they were
        docs.put("contract.d", ContractFlags.metadata("contract.d").toJson());
        for (Map.Entry<String, String> e : docs.entrySet()) {
            putRaw(store, e.getKey(), e.getValue());
        }
        StoreSnapshot snapshot = store.load();
        assertEquals(docs.keySet(), keys(snapshot));
        for (Map.Entry<String, String> e : docs.entrySet()) {
            RawFlag raw = document(snapshot, e.getKey());
            assertTrue(
                    sameDocument(e.getValue(), raw.json()),
                    () -> "document '" + e.getKey() + "' changed: put " + e.getValue() + " loaded " + raw.json());
            assertTrue(raw.version() >= 1, () -> "version of '" + e.getKey() + "' is " + raw.version());
        }
        Flag d = Flag.fromJson(document(snapshot, "contract.d").json());
        assertEquals(ContractFlags.metadata("contract.d").metadata(), d.metadata(), "metadata of 'contract.d'");
        assertTrue(d.offVariant().isEmpty(), () -> "'contract.d' gained an off-variant: " + d.offVariant());
    }

    @Test
    void replacingADocumentReplacesItInLoad() throws Exception {
        putRaw(store, "contract.replace", booleanFlagJson("contract.replace", false));
        putRaw(store, "contract.other", booleanFlagJson("contract.other", false));
        String replacement = Flag.stringFlag("contract.replace", "CUTOVER").toJson();
        putRaw(store, "contract.replace", replacement);
        StoreSnapshot snapshot = store.load();
        assertEquals(Set.of("contract.replace", "contract.other"), keys(snapshot));
        assertTrue(
                sameDocument(replacement, document(snapshot, "contract.replace").json()));
    }

    @Test
    void quickSameSizeReplacementsAreAllSeen() throws Exception {
        // a store that detects changes by size and timestamp misses these: same length, same tick
        String key = "contract.same-size";
        for (int i = 0; i < 20; i++) {
            String doc = Flag.stringFlag(key, i % 2 == 0 ? "AAA" : "BBB").toJson();
            putRaw(store, key, doc);
            String loaded = document(store.load(), key).json();
            int n = i;
            assertTrue(
                    sameDocument(doc, loaded),
                    () -> "replacement " + n + " of '" + key + "' not seen: put " + doc + " loaded " + loaded);
        }
    }

    @Test
    void headRevisionEqualsTheRevisionOfLoad() throws Exception {
        for (int i = 0; i < 3; i++) {
            putRaw(store, "contract.head." + i, booleanFlagJson("contract.head." + i, i % 2 == 0));
            long head = store.headRevision();
            StoreSnapshot snapshot = store.load();
            assertEquals(head, snapshot.revision(), "headRevision() before load() with no write between");
            assertEquals(snapshot.revision(), store.headRevision(), "headRevision() after load()");
            assertEquals(i + 1, snapshot.flags().size());
        }
    }

    @Test
    void revisionGrowsWithEveryWriteAndNeverGoesBack() throws Exception {
        long previous = store.headRevision();
        for (int i = 0; i < 6; i++) {
            String key = "contract.rev." + (i % 3);
            putRaw(store, key, booleanFlagJson(key, i % 2 == 0));
            long head = store.headRevision();
            assertTrue(head > previous, "revision " + head + " after write " + i + " not above " + previous);
            for (int read = 0; read < 3; read++) {
                long again = store.headRevision();
                assertTrue(again >= head, "revision went back from " + head + " to " + again);
                assertTrue(store.load().revision() >= head, "load() revision went back");
            }
            previous = head;
        }
    }

    @Test
    void badDocumentsAreLoadedAsTheyAre() throws Exception {
        Map<String, String> bad = badDocuments();
        putRaw(store, "contract.good", booleanFlagJson("contract.good", true));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            putRaw(store, e.getKey(), e.getValue());
        }
        StoreSnapshot snapshot = store.load();
        Set<String> expected = new HashSet<>(bad.keySet());
        expected.add("contract.good");
        assertEquals(expected, keys(snapshot), "a store must not drop bad documents");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            String loaded = document(snapshot, e.getKey()).json();
            assertTrue(
                    sameDocument(e.getValue(), loaded),
                    () -> "bad document '" + e.getKey() + "' was changed: put " + e.getValue() + " loaded " + loaded);
        }
    }

    @Test
    void clientRejectsOnlyTheBadDocumentsAndServesTheOthers() throws Exception {
        new StoreClientChecks<>(this).clientRejectsOnlyTheBadDocumentsAndServesTheOthers();
    }

    @Test
    void clientPicksUpLaterWrites() throws Exception {
        new StoreClientChecks<>(this).clientPicksUpLaterWrites();
    }

    @Test
    void pushHintArrivesForAWriteWhenTheStoreSupportsPush() throws Exception {
        new StoreClientChecks<>(this).pushHintArrivesForAWriteWhenTheStoreSupportsPush();
    }

    @Test
    void describeIsNotBlank() {
        String description = store.describe();
        assertNotNull(description);
        assertFalse(description.isBlank(), "describe() is blank");
    }

    /**
     * Records the revisions each thread reads and remembers the first that went backwards, for
     * subclasses that check monotonic revisions under concurrency.
     *
     * <pre>{@code
     * RevisionLog log = new RevisionLog();
     * // on each reader thread, repeatedly:
     * log.saw(store.headRevision());
     * // at the end:
     * assertNull(log.violation());
     * }</pre>
     *
     * @since 0.1.0
     */
    protected static final class RevisionLog {
        /** An empty log. */
        public RevisionLog() {}

        private final Map<Thread, Long> last = new HashMap<>();
        private @Nullable String violation;

        /** Records a revision read by the current thread. */
        public synchronized void saw(long revision) {
            Long before = last.put(Thread.currentThread(), revision);
            if (before != null && revision < before && violation == null) {
                violation = Thread.currentThread().getName() + " saw " + before + " then " + revision;
            }
        }

        /** The first backwards step seen, or null. */
        public synchronized @Nullable String violation() {
            return violation;
        }
    }
}
