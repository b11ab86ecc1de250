package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.MigrationFixture.NEW_LATENCY;
import static dev.cutover.benchmarks.MigrationFixture.OLD_LATENCY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.DualWriteBenchmark.Cursor;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.DualWriteControl;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each dual-write benchmark's state sets up, its benchmark returns the old store's account for a
 * few calls, and its tear-down leaves no thread behind. The latencies
 * are checked from below: a system that claims to wait for the new store must take at least its
 * latency, so no benchmark skips a store.
 */
class DualWriteBenchmarkTest {

    private static final int CALLS = 20;
    private static final long OLD = OLD_LATENCY.toNanos();
    private static final long NEW = NEW_LATENCY.toNanos();

    private final DualWriteBenchmark bench = new DualWriteBenchmark();

    @AfterEach
    void noThreadsLeft() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!libraryThreads().isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(10_000_000L);
        }
        assertThat(libraryThreads()).as("threads left by the tear-down").isEmpty();
    }

    private static List<String> libraryThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("cutover-dualwrite-") || n.startsWith("scientist4j-"))
                .toList();
    }

    // ---- oldOnlyRead ----

    @Test
    void directOldOnlyRead() throws Exception {
        DualWriteBenchmark.DirectOldOnlyState s = new DualWriteBenchmark.DirectOldOnlyState();
        s.setUp();
        readsOldAccounts(c -> bench.direct_oldOnlyRead(s, c), 0);
    }

    @Test
    void cutoverOldOnlyRead() throws Exception {
        DualWriteBenchmark.CutoverOldOnlyState s = new DualWriteBenchmark.CutoverOldOnlyState();
        s.setUp();
        try {
            readsOldAccounts(c -> bench.cutover_oldOnlyRead(s, c), 0);
            assertThat(s.dualWrite.drainAndSummarize()).isEqualTo("no shadow work");
        } finally {
            s.tearDown();
        }
    }

    @Test
    void launchDarklyOldOnlyRead() throws Exception {
        DualWriteBenchmark.LaunchDarklyOldOnlyState s = new DualWriteBenchmark.LaunchDarklyOldOnlyState();
        s.setUp();
        try {
            readsOldAccounts(c -> bench.launchdarkly_oldOnlyRead(s, c), 0);
        } finally {
            s.tearDown();
        }
    }

    // ---- shadowRead ----

    @Test
    void directShadowReadTakesTheOldLatency() throws Exception {
        DualWriteBenchmark.DirectShadowState s = new DualWriteBenchmark.DirectShadowState();
        s.setUp();
        readsOldAccounts(c -> bench.direct_shadowRead(s, c), OLD);
    }

    @Test
    void directNewShadowReadTakesTheNewLatency() throws Exception {
        DualWriteBenchmark.DirectNewState s = new DualWriteBenchmark.DirectNewState();
        s.setUp();
        readsOldAccounts(c -> bench.directNew_shadowRead(s, c), NEW);
    }

    @Test
    void cutoverShadowReadComparesEveryReadOnTheNewStore() throws Exception {
        DualWriteBenchmark.CutoverShadowState s = new DualWriteBenchmark.CutoverShadowState();
        s.setUp();
        try {
            readsOldAccounts(c -> bench.cutover_shadowRead(s, c), OLD);
            assertThat(s.dualWrite.drainAndSummarize()).startsWith("shadow reads " + CALLS + " {MATCH=" + CALLS + "}");
        } finally {
            s.tearDown();
        }
    }

    @Test
    void cutoverSampledShadowReadComparesSomeReads() throws Exception {
        DualWriteBenchmark.CutoverSampledShadowState s = new DualWriteBenchmark.CutoverSampledShadowState();
        s.setUp();
        try {
            Cursor c = new Cursor();
            for (int i = 0; i < 500; i++) {
                assertThat(bench.cutoverSampled_shadowRead(s, c)).contains(MigrationFixture.account(i));
            }
            s.dualWrite.drainAndSummarize();
            DualWriteControl.Counts counts = s.dualWrite.control().counts();
            assertThat(counts.comparisons(Outcome.MATCH)).isBetween(10L, 120L);
            assertThat(counts.comparisons(Outcome.MISMATCH)).isZero();
        } finally {
            s.tearDown();
        }
    }

    // ---- shadowWrite ----

    @Test
    void directShadowWriteTakesTheOldLatency() throws Exception {
        DualWriteBenchmark.DirectShadowState s = new DualWriteBenchmark.DirectShadowState();
        s.setUp();
        Cursor c = new Cursor();
        for (int i = 0; i < CALLS; i++) {
            long start = System.nanoTime();
            bench.direct_shadowWrite(s, c);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(OLD);
        }
    }

    @Test
    void cutoverShadowWriteWritesTheNewStoreInTheBackground() throws Exception {
        DualWriteBenchmark.CutoverShadowState s = new DualWriteBenchmark.CutoverShadowState();
        s.setUp();
        try {
            Cursor c = new Cursor();
            for (int i = 0; i < CALLS; i++) {
                long start = System.nanoTime();
                bench.cutover_shadowWrite(s, c);
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(OLD);
            }
            assertThat(s.dualWrite.drainAndSummarize())
                    .startsWith("shadow writes " + CALLS + " SUCCEEDED=" + CALLS
                            + " {}, shed 0.0%; journal: 0 appended, 0 pending");
        } finally {
            s.tearDown();
        }
    }

    @Test
    void cutoverShedWriteJournalsTheKeysOfShedWrites() throws Exception {
        DualWriteBenchmark.CutoverShedState s = new DualWriteBenchmark.CutoverShedState();
        s.setUp();
        try {
            Cursor c = new Cursor();
            for (int i = 0; i < 5_000; i++) {
                bench.cutover_shedWrite(s, c);
            }
            String summary = s.dualWrite.drainAndSummarize();
            DualWriteControl.Counts counts = s.dualWrite.control().counts();
            long missed = counts.shadowWritesMissed().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            assertThat(counts.shadowWritesSucceeded() + missed).as(summary).isEqualTo(5_000);
            assertThat(counts.shadowWritesMissed(dev.cutover.journal.FailedWrite.Reason.SHED))
                    .as(summary)
                    .isPositive();
            assertThat(s.dualWrite.journal().pendingCount()).as(summary).isBetween(1L, 1_024L);
        } finally {
            s.tearDown();
        }
    }

    @Test
    void launchDarklyParallelShadowReadWaitsForTheNewStore() throws Exception {
        DualWriteBenchmark.LaunchDarklyParallelShadowState s = new DualWriteBenchmark.LaunchDarklyParallelShadowState();
        s.setUp();
        try {
            readsOldAccounts(c -> bench.launchdarklyParallel_shadowRead(s, c), NEW);
        } finally {
            s.tearDown();
        }
    }

    @Test
    void launchDarklySerialShadowReadReadsBothStoresInTurn() throws Exception {
        DualWriteBenchmark.LaunchDarklySerialShadowState s = new DualWriteBenchmark.LaunchDarklySerialShadowState();
        s.setUp();
        try {
            readsOldAccounts(c -> bench.launchdarklySerial_shadowRead(s, c), OLD + NEW);
        } finally {
            s.tearDown();
        }
    }

    @Test
    void scientist4jShadowReadRunsBothSidesOnTheCaller() throws Exception {
        DualWriteBenchmark.Scientist4jState s = new DualWriteBenchmark.Scientist4jState();
        s.setUp();
        try {
            readsOldAccounts(c -> bench.scientist4j_shadowRead(s, c), OLD + NEW);
        } finally {
            s.tearDown();
        }
    }

    @Test
    void scientist4jAsyncShadowReadReturnsTheControl() throws Exception {
        DualWriteBenchmark.Scientist4jAsyncState s = new DualWriteBenchmark.Scientist4jAsyncState();
        s.setUp();
        try {
            readsOldAccounts(c -> bench.scientist4jAsync_shadowRead(s, c), OLD);
        } finally {
            s.tearDown();
        }
    }

    /** A benchmark call. */
    @FunctionalInterface
    interface Read {
        Optional<Account> call(Cursor cursor) throws Exception;
    }

    /** {@link #CALLS} reads return the accounts in the cursor's order, each taking at least {@code minNanos}. */
    private static void readsOldAccounts(Read read, long minNanos) throws Exception {
        Cursor c = new Cursor();
        for (int i = 0; i < CALLS; i++) {
            long start = System.nanoTime();
            Optional<Account> account = read.call(c);
            long took = System.nanoTime() - start;
            assertThat(account).contains(MigrationFixture.account(i));
            assertThat(took).as("call %d took at least %d ns", i, minNanos).isGreaterThanOrEqualTo(minNanos);
        }
    }
}
