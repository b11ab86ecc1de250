package dev.cutover.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.FailingJournal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The key ledger: coalescing, the bound and its gaps, a failing journal, the run record, close. */
class KeyLedgerTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static FailedWrite write(String key) {
        return new FailedWrite(
                "Repo", "save", key, FailedWrite.Target.NEW, FailedWrite.Reason.FAILED, "d", Instant.now());
    }

    private static KeyLedger ledger(FailedWriteJournal journal, int maxKeys) {
        return new KeyLedger("Repo", journal, maxKeys, Duration.ofMillis(50), Clock.systemUTC(), w -> {}, () -> {});
    }

    @Test
    void keysReachTheJournalOncePerKeyAndTheRunRecordLeavesOnACleanClose() throws Exception {
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        List<FailedWrite> heard = new CopyOnWriteArrayList<>();
        KeyLedger ledger =
                new KeyLedger("Repo", journal, 100, Duration.ofMillis(50), Clock.systemUTC(), heard::add, () -> {});
        assertThat(journal.gaps())
                .singleElement()
                .satisfies(g -> assertThat(g.kind()).isEqualTo(Gap.Kind.RUN));
        for (int i = 0; i < 1_000; i++) {
            ledger.record(write("k" + (i % 10)));
        }
        assertThat(ledger.awaitIdle(System.nanoTime() + 10 * SECOND)).isTrue();
        assertThat(journal.pending()).hasSize(10);
        assertThat(heard)
                .hasSizeLessThanOrEqualTo(1_000)
                .extracting(FailedWrite::entityKey)
                .hasSizeGreaterThanOrEqualTo(10);
        assertThat(ledger.close(5 * SECOND)).isTrue();
        assertThat(journal.gaps()).as("the run record is removed").isEmpty();
        // after close, a key is appended on the caller's thread
        ledger.record(write("late"));
        assertThat(journal.pending()).extracting(e -> e.write().entityKey()).contains("late");
    }

    @Test
    void pastTheBoundAGapCoversTheKeysThatWereNotKept() throws Exception {
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        journal.down.set(true);
        KeyLedger ledger = ledger(journal, 5);
        Instant before = Instant.now();
        for (int i = 0; i < 20; i++) {
            ledger.record(write("k" + i));
        }
        Instant after = Instant.now();
        assertThat(ledger.size()).isLessThanOrEqualTo(5);
        assertThat(ledger.overflowed()).isEqualTo(15);
        assertThat(ledger.gapOpened()).isTrue();
        journal.down.set(false);
        assertThat(ledger.awaitIdle(System.nanoTime() + 10 * SECOND)).isTrue();
        assertThat(journal.delegate.pending()).hasSize(5);
        assertThat(journal.delegate.openGaps(Instant.now())).singleElement().satisfies(g -> {
            assertThat(g.kind()).isEqualTo(Gap.Kind.OVERFLOW);
            assertThat(g.from()).isBetween(before.minusMillis(1), after.plusMillis(1));
            assertThat(g.to()).isAfterOrEqualTo(g.from());
        });
        assertThat(ledger.close(5 * SECOND)).isTrue();
    }

    @Test
    void aJournalThatFailsIsRetriedUntilItRecovers() throws Exception {
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        AtomicInteger errors = new AtomicInteger();
        KeyLedger ledger = new KeyLedger(
                "Repo", journal, 100, Duration.ofMillis(50), Clock.systemUTC(), w -> {}, errors::incrementAndGet);
        journal.down.set(true);
        ledger.record(write("a"));
        Eventually.within(Duration.ofSeconds(10), "a failed append", () -> errors.get() >= 2);
        assertThat(ledger.idle()).isFalse();
        assertThat(ledger.lastError()).contains("the journal's server is down");
        journal.down.set(false);
        assertThat(ledger.awaitIdle(System.nanoTime() + 20 * SECOND)).isTrue();
        assertThat(journal.delegate.pending())
                .extracting(e -> e.write().entityKey())
                .containsExactly("a");
        assertThat(ledger.lastError()).isNull();
        assertThat(ledger.close(5 * SECOND)).isTrue();
    }

    @Test
    void aCloseWithKeysLeftKeepsTheRunRecordSoTheRunBecomesAGap() throws Exception {
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        KeyLedger ledger = ledger(journal, 100);
        journal.down.set(true);
        ledger.record(write("stuck"));
        // the journal stays down through close and after: the key cannot be journaled, nor the record removed
        assertThat(ledger.close(TimeUnit.MILLISECONDS.toNanos(300))).isFalse();
        Eventually.within(
                Duration.ofSeconds(10),
                "the run's lease passed",
                () -> journal.delegate.gaps().stream().anyMatch(g -> g.isOpenAt(Instant.now())));
        assertThat(journal.delegate.gaps())
                .singleElement()
                .satisfies(g -> assertThat(g.kind()).isEqualTo(Gap.Kind.RUN));
        assertThat(journal.delegate.pending()).isEmpty();
    }

    @Test
    void aLongDrainKeepsTheRunRecordAliveSoALiveRunNeverReadsAsAGap() throws Exception {
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        journal.appendMillis = 5;
        // a 50 ms heartbeat: a 150 ms lease, and a backlog of 60 keys takes at least 300 ms to append
        KeyLedger ledger = ledger(journal, 100);
        for (int i = 0; i < 60; i++) {
            ledger.record(write("k" + i));
        }
        List<Gap> lapsed = new CopyOnWriteArrayList<>();
        long deadline = System.nanoTime() + 30 * SECOND;
        // sample the run record every few milliseconds while the backlog drains, within a deadline
        while (!ledger.awaitIdle(Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5)))) {
            assertThat(System.nanoTime() - deadline).as("drained within 30 s").isNegative();
            lapsed.addAll(journal.delegate.openGaps(Instant.now()));
        }
        assertThat(lapsed)
                .as("the run record of a live ledger never read as a gap")
                .isEmpty();
        assertThat(journal.delegate.pending()).hasSize(60);
        assertThat(ledger.close(5 * SECOND)).isTrue();
    }

    @Test
    void aKeyTheJournalRefusesIsAGap() throws Exception {
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        KeyLedger ledger = ledger(journal, 100);
        ledger.record(write("x".repeat(600)));
        assertThat(ledger.awaitIdle(System.nanoTime() + 10 * SECOND)).isTrue();
        assertThat(journal.pending()).isEmpty();
        assertThat(journal.openGaps(Instant.now()))
                .singleElement()
                .satisfies(g -> assertThat(g.kind()).isEqualTo(Gap.Kind.KEY_REJECTED));
        assertThat(ledger.close(5 * SECOND)).isTrue();
    }

    /**
     * From many threads, with a journal that fails now and then: every key recorded is journaled or
     * a gap was recorded, and the journal holds at most one entry per key.
     */
    @Property(tries = 30)
    void everyKeyIsJournaledOrCoveredByAGap(
            @ForAll @IntRange(min = 1, max = 8) int threads,
            @ForAll @IntRange(min = 1, max = 300) int maxKeys,
            @ForAll @IntRange(min = 1, max = 500) int keySpace)
            throws Exception {
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        journal.failEvery = 7;
        KeyLedger ledger = ledger(journal, maxKeys);
        Set<String> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int seed = t;
            writers[t] = new Thread(() -> {
                java.util.Random r = new java.util.Random(seed);
                for (int i = 0; i < 2_000; i++) {
                    String key = "k" + r.nextInt(keySpace);
                    recorded.add(key);
                    ledger.record(write(key));
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        assertThat(ledger.awaitIdle(System.nanoTime() + 30 * SECOND)).isTrue();
        Set<String> journaled = new HashSet<>();
        for (JournalEntry e : journal.delegate.pending()) {
            assertThat(journaled.add(e.write().entityKey()))
                    .as("one entry per key")
                    .isTrue();
        }
        if (!journaled.containsAll(recorded)) {
            assertThat(ledger.overflowed()).isPositive();
            assertThat(journal.delegate.openGaps(Instant.now()))
                    .extracting(Gap::kind)
                    .contains(Gap.Kind.OVERFLOW);
        }
        assertThat(ledger.close(5 * SECOND)).isTrue();
        assertThat(journal.delegate.gaps()).noneMatch(g -> g.kind() == Gap.Kind.RUN);
    }
}
