package dev.cutover.testkit.contract;

import static dev.cutover.testkit.contract.FailedWriteJournalContract.ids;
import static dev.cutover.testkit.contract.FailedWriteJournalContract.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The concurrency tests of {@link FailedWriteJournalContract}: appends from many threads get unique
 * ids and none is lost, and a repair loop running alongside appenders resolves everything. Threads
 * start together on a latch and are awaited with a deadline. Made by each test method of the
 * contract, after the journal under test was created; it reaches the contract's hooks, so overrides
 * apply.
 */
final class JournalConcurrencyChecks {
    private final FailedWriteJournalContract contract;
    private final FailedWriteJournal journal;

    JournalConcurrencyChecks(FailedWriteJournalContract contract) {
        this.contract = contract;
        this.journal = contract.journal;
    }

    private int appendThreads() {
        return contract.appendThreads();
    }

    private int appendsPerThread() {
        return contract.appendsPerThread();
    }

    private List<JournalEntry> allPending(int pageSize) throws Exception {
        return contract.allPending(pageSize);
    }

    void concurrentAppendsGetUniqueIdsAndNoneIsLost() throws Exception {
        int threads = appendThreads();
        int each = appendsPerThread();
        Map<Long, String> appended = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        String key = "t" + thread + "-" + i;
                        long id = journal.append(write(key));
                        mine.add(id);
                        assertThat(appended.put(id, key))
                                .as("id %s given twice", id)
                                .isNull();
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<Long>> result : results) {
                // one thread's appends follow each other, so its ids increase
                assertThat(result.get(50, TimeUnit.SECONDS))
                        .hasSize(each)
                        .isSorted()
                        .doesNotHaveDuplicates();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(appended).hasSize(threads * each);
        assertThat(journal.pendingCount()).isEqualTo(threads * each);
        List<JournalEntry> pending = allPending(500);
        assertThat(ids(pending)).isSorted().containsExactlyInAnyOrderElementsOf(appended.keySet());
        for (JournalEntry e : pending) {
            assertThat(e.write().entityKey()).isEqualTo(appended.get(e.id()));
        }
    }

    void repairLoopAlongsideAppendersResolvesEverything() throws Exception {
        int appenders = 4;
        int each = 50;
        Set<Long> appended = ConcurrentHashMap.newKeySet();
        Set<Long> resolved = new HashSet<>();
        AtomicBoolean appending = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(appenders);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < appenders; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        appended.add(journal.append(write("r" + thread + "-" + i)));
                    }
                    return null;
                }));
            }
            start.countDown();
            // passes run while appenders are busy, then once more after they finished: each pass
            // starts at 0, so entries a pass missed (committed behind its cursor) are found by the next
            boolean lastPass = false;
            while (!lastPass) {
                lastPass = !appending.get();
                for (JournalEntry e : allPending(7)) {
                    assertThat(resolved.add(e.id()))
                            .as("entry %s resolved once", e.id())
                            .isTrue();
                    journal.resolve(List.of(e.id()));
                }
                if (results.stream().allMatch(Future::isDone)) {
                    appending.set(false);
                }
            }
            for (Future<?> result : results) {
                result.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(resolved).isEqualTo(appended).hasSize(appenders * each);
        assertThat(journal.pendingCount()).isZero();
    }
}
