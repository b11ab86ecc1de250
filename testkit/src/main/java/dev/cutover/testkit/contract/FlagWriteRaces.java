package dev.cutover.testkit.contract;

import static dev.cutover.testkit.contract.WritableFlagStoreContract.AUDIT;
import static dev.cutover.testkit.contract.WritableFlagStoreContract.assertConflict;
import static dev.cutover.testkit.contract.WritableFlagStoreContract.counterFlag;
import static dev.cutover.testkit.contract.WritableFlagStoreContract.counterValue;
import static dev.cutover.testkit.contract.WritableFlagStoreContract.withoutStoreFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.testkit.contract.FlagStoreContract.RevisionLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The race tests of {@link WritableFlagStoreContract}: a write that lands between another writer's
 * read and its compare-and-set, writers contending from one version, and concurrent
 * read-modify-write loops that must lose no update. Made by each test method of the contract, after
 * the store under test was created; it reaches the contract's hooks, so overrides apply.
 *
 * @param <S> the store type
 */
final class FlagWriteRaces<S extends WritableFlagStore> {
    private final WritableFlagStoreContract<S> contract;
    private final S store;

    FlagWriteRaces(WritableFlagStoreContract<S> contract) {
        this.contract = contract;
        this.store = contract.store;
    }

    private WritableFlagStore writer(S store, int writer) throws Exception {
        return contract.writer(store, writer);
    }

    private boolean injectWriteRace(S store, Runnable competingWrite) throws Exception {
        return contract.injectWriteRace(store, competingWrite);
    }

    private int concurrentWriters() {
        return contract.concurrentWriters();
    }

    private int incrementsPerWriter() {
        return contract.incrementsPerWriter();
    }

    private Duration pushDeadline() {
        return contract.pushDeadline();
    }

    private RawFlag current(String key) throws Exception {
        return contract.current(key);
    }

    private List<AuditRecord> fullHistory(String key) throws Exception {
        return AuditHistoryChecks.fullHistory(store, key);
    }

    void aWriteBetweenReadAndCompareAndSetMakesTheStaleWriterLose() throws Exception {
        Flag v1 = store.put(Flag.stringFlag("contract.race", "START"), 0, AUDIT);
        // writer 1 reads, writer 2 writes, writer 1 writes from its stale read
        long read = current("contract.race").version();
        Flag other = writer(store, 1)
                .put(Flag.stringFlag("contract.race", "WRITER-2"), read, new AuditInfo("writer-2", "race"));
        FlagWriteConflictException e = assertThrows(
                FlagWriteConflictException.class,
                () -> store.put(Flag.stringFlag("contract.race", "WRITER-1"), read, AUDIT));
        assertConflict(e, "contract.race", v1.version(), other.version());
        assertEquals(other, Flag.fromJson(current("contract.race").json()), "the stale write landed");

        // the same race inside the store's own read-modify-write, when the store lets us in
        long now = other.version();
        AtomicInteger hookRuns = new AtomicInteger();
        AtomicBoolean hookFailed = new AtomicBoolean();
        boolean hooked = injectWriteRace(store, () -> {
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
            FlagWriteConflictException inside = assertInstanceOf(
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
                    results.add(pool.submit(() -> {
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
                results.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            RawFlag raw = target.get("contract.counter").orElseThrow();
                            try {
                                target.put(
                                        counterFlag("contract.counter", counterValue(raw) + 1), raw.version(), AUDIT);
                                break;
                            } catch (FlagWriteConflictException lost) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return increments;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
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
            assertEquals(
                    writers * increments + 1, fullHistory("contract.counter").size(), "audit records");
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
}
