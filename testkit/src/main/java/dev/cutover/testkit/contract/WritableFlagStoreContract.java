package dev.cutover.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.Clause;
import dev.cutover.flags.Flag;
import dev.cutover.flags.Operator;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Rule;
import dev.cutover.flags.Serve;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.Target;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
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
public abstract class WritableFlagStoreContract<S extends WritableFlagStore>
    extends FlagStoreContract<S> {

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
    return Flag.builder(key).type(VariantType.NUMBER).variant("value", value).build();
  }

  private static int counterValue(RawFlag raw) {
    return Flag.fromJson(raw.json()).variant("value").orElseThrow().intValue();
  }

  /** The flag without the fields a store sets: version, updatedAt, updatedBy. */
  protected static Flag withoutStoreFields(Flag flag) {
    return flag.toBuilder().version(0).updatedAt(null).updatedBy(null).build();
  }

  /** A flag that uses every part of the format. */
  protected static Flag richFlag(String key) {
    Flag previous = Flag.stringFlag(key, "OLD");
    return Flag.builder(key)
        .type(VariantType.STRING)
        .variant("OLD", "OLD")
        .variant("SHADOW", "SHADOW")
        .variant("NEW", "NEW")
        .offVariant("OLD")
        .target(Target.of("NEW", "customer-1", "customer-2"))
        .rule(
            new Rule(
                List.of(
                    Clause.of("country", Operator.IN, "DE", "FR"),
                    Clause.of("appVersion", Operator.SEMVER_LESS_THAN, "2.0.0").negated(),
                    Clause.of("tier", Operator.GREATER_THAN_OR_EQUAL, 3)),
                Serve.variant("SHADOW"),
                "EU, new app, big tiers"))
        .fallthrough(
            Serve.rollout(
                new Rollout(
                    "key",
                    "seed-1",
                    List.of(new Allocation("OLD", 66.667), new Allocation("NEW", 33.333)))))
        .effectiveAt(Instant.parse("2030-01-01T00:00:00Z"), previous)
        .description("orders migration")
        .build();
  }

  private RawFlag current(String key) throws Exception {
    return store.get(key).orElseThrow(() -> new AssertionError("flag '" + key + "' is absent"));
  }

  private static FlagWriteConflictException assertConflict(
      FlagWriteConflictException e, String key, long expected, long actual) {
    assertEquals(key, e.key(), "conflict key");
    assertEquals(expected, e.expectedVersion(), "conflict expected version");
    assertEquals(actual, e.actualVersion(), "conflict actual version");
    assertNotNull(e.getMessage());
    assertTrue(e.getMessage().contains(key), () -> "conflict message does not name the key: " + e.getMessage());
    return e;
  }

  private List<AuditRecord> fullHistory(String key) throws Exception {
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
    assertEquals(withoutStoreFields(flag), withoutStoreFields(Flag.fromJson(current("contract.rich").json())));
    assertEquals(
        withoutStoreFields(flag),
        withoutStoreFields(Flag.fromJson(document(store.load(), "contract.rich").json())));
  }

  @Test
  void createOverAnExistingFlagConflicts() throws Exception {
    Flag stored = store.put(Flag.booleanFlag("contract.exists", false), 0, AUDIT);
    long revision = store.headRevision();
    FlagWriteConflictException e =
        assertThrows(
            FlagWriteConflictException.class,
            () -> store.put(Flag.booleanFlag("contract.exists", true), 0, AUDIT));
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
    assertEquals(VariantType.STRING, Flag.fromJson(document(store.load(), "contract.update").json()).type());
  }

  @Test
  void staleUpdateConflictsAndWritesNothing() throws Exception {
    Flag v1 = store.put(Flag.booleanFlag("contract.stale", false), 0, AUDIT);
    Flag v2 = store.put(Flag.booleanFlag("contract.stale", true), v1.version(), AUDIT);
    long revision = store.headRevision();
    int historySize = fullHistory("contract.stale").size();

    FlagWriteConflictException e =
        assertThrows(
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
    FlagWriteConflictException e =
        assertThrows(
            FlagWriteConflictException.class,
            () -> store.delete("contract.stale-delete", v1.version(), AUDIT));
    assertConflict(e, "contract.stale-delete", v1.version(), v2.version());
    assertEquals(v2, Flag.fromJson(current("contract.stale-delete").json()), "nothing deleted");
    assertEquals(revision, store.headRevision(), "a failed delete must not move the revision");
  }

  @Test
  void deleteOfAnAbsentFlagConflicts() throws Exception {
    long revision = store.headRevision();
    FlagWriteConflictException e =
        assertThrows(
            FlagWriteConflictException.class, () -> store.delete("contract.absent", 1, AUDIT));
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
    Flag v1 = store.put(Flag.stringFlag("contract.race", "START"), 0, AUDIT);
    // writer 1 reads, writer 2 writes, writer 1 writes from its stale read
    long read = current("contract.race").version();
    Flag other =
        writer(store, 1)
            .put(Flag.stringFlag("contract.race", "WRITER-2"), read, new AuditInfo("writer-2", "race"));
    FlagWriteConflictException e =
        assertThrows(
            FlagWriteConflictException.class,
            () -> store.put(Flag.stringFlag("contract.race", "WRITER-1"), read, AUDIT));
    assertConflict(e, "contract.race", v1.version(), other.version());
    assertEquals(other, Flag.fromJson(current("contract.race").json()), "the stale write landed");

    // the same race inside the store's own read-modify-write, when the store lets us in
    long now = other.version();
    AtomicInteger hookRuns = new AtomicInteger();
    AtomicBoolean hookFailed = new AtomicBoolean();
    boolean hooked =
        injectWriteRace(
            store,
            () -> {
              hookRuns.incrementAndGet();
              try {
                writer(store, 1)
                    .put(
                        Flag.stringFlag("contract.race", "INSIDE"),
                        now,
                        new AuditInfo("writer-2", "race inside the write"));
              } catch (Exception ex) {
                hookFailed.set(true);
                throw new IllegalStateException("the competing write failed", ex);
              }
            });
    if (hooked) {
      Throwable thrown = null;
      try {
        store.put(Flag.stringFlag("contract.race", "OUTSIDE"), now, AUDIT);
      } catch (Exception | AssertionError failure) {
        thrown = failure;
      }
      assertEquals(
          1,
          hookRuns.get(),
          "injectWriteRace() returned true, so the competing write must run exactly once inside put()");
      assertFalse(hookFailed.get(), "the competing write itself failed");
      Throwable t = thrown;
      FlagWriteConflictException inside =
          assertInstanceOf(
              FlagWriteConflictException.class,
              thrown,
              () -> "a write that lands inside put() must make put() lose, but put() "
                  + (t == null ? "succeeded" : "threw " + t));
      assertEquals(now, inside.expectedVersion());
      RawFlag after = current("contract.race");
      assertEquals(after.version(), inside.actualVersion(), "conflict actual version");
      assertEquals(
          withoutStoreFields(Flag.stringFlag("contract.race", "INSIDE")),
          withoutStoreFields(Flag.fromJson(after.json())),
          "the competing write must be the one stored");
    }
  }

  @Test
  void concurrentWritersFromTheSameVersionExactlyOneWins() throws Exception {
    int writers = Math.max(2, concurrentWriters());
    Flag base = store.put(Flag.stringFlag("contract.contended", "BASE"), 0, AUDIT);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      long version = base.version();
      for (int round = 0; round < 10; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<@Nullable Flag>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String value = "R" + round + "-W" + w;
          WritableFlagStore target = writer(store, w);
          long expected = version;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      return target.put(
                          Flag.stringFlag("contract.contended", value),
                          expected,
                          new AuditInfo("writer-" + value, "contention"));
                    } catch (FlagWriteConflictException lost) {
                      return null;
                    }
                  }));
        }
        start.countDown();
        List<Flag> winners = new ArrayList<>();
        for (Future<@Nullable Flag> f : results) {
          Flag won = await(f);
          if (won != null) {
            winners.add(won);
          }
        }
        int r = round;
        assertEquals(1, winners.size(), () -> "round " + r + ": winners " + winners);
        Flag winner = winners.get(0);
        assertEquals(winner, Flag.fromJson(current("contract.contended").json()), "round " + round);
        version = winner.version();
      }
    } finally {
      shutdown(pool);
    }
  }

  @Test
  void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
    int writers = Math.max(2, concurrentWriters());
    int increments = Math.max(1, incrementsPerWriter());
    store.put(counterFlag("contract.counter", 0), 0, AUDIT);
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    RevisionLog revisions = new RevisionLog();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger conflicts = new AtomicInteger();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        WritableFlagStore target = writer(store, w);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < increments; i++) {
                    while (true) {
                      RawFlag raw = target.get("contract.counter").orElseThrow();
                      try {
                        target.put(
                            counterFlag("contract.counter", counterValue(raw) + 1),
                            raw.version(),
                            AUDIT);
                        break;
                      } catch (FlagWriteConflictException lost) {
                        conflicts.incrementAndGet();
                      }
                    }
                  }
                  return increments;
                }));
      }
      Future<Integer> reader =
          pool.submit(
              () -> {
                start.await();
                int reads = 0;
                while (writing.get()) {
                  revisions.saw(store.headRevision());
                  reads++;
                }
                return reads;
              });
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += await(f);
      }
      writing.set(false);
      await(reader);
      assertEquals(writers * increments, total);
      assertEquals(
          writers * increments,
          counterValue(current("contract.counter")),
          () -> "lost updates (" + conflicts.get() + " conflicts were retried)");
      assertNull(revisions.violation(), () -> "revision went backwards: " + revisions.violation());
      assertEquals(writers * increments + 1, fullHistory("contract.counter").size(), "audit records");
    } finally {
      writing.set(false);
      shutdown(pool);
    }
  }

  private <T> T await(Future<T> future) throws Exception {
    try {
      return future.get(Math.max(30_000, pushDeadline().toMillis() * 3), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError("a concurrent writer did not finish in time", e);
    }
  }

  private static void shutdown(ExecutorService pool) throws InterruptedException {
    pool.shutdownNow();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      fail("writer threads did not stop");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // history

  @Test
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

  @Test
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
    awaitTrue(
        () -> hints.get() > beforeUpdate,
        () -> "no push hint within " + pushDeadline() + " after put()");
    int beforeDelete = quiet(hints);
    store.delete("contract.push-cas", updated.version(), AUDIT);
    awaitTrue(
        () -> hints.get() > beforeDelete,
        () -> "no push hint within " + pushDeadline() + " after delete()");
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
