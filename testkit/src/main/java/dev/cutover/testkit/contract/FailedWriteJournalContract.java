package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWrite.Reason;
import dev.cutover.journal.FailedWrite.Target;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.Gap;
import dev.cutover.journal.JdbcFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link FailedWriteJournal}, as JUnit 5 tests every journal runs: the two of
 * this package on each database, and a third-party journal in its own build.
 *
 * <pre>{@code
 * class MyJournalContractTest extends FailedWriteJournalContract {
 *   @Override protected FailedWriteJournal newJournal() {
 *     return new MyJournal(freshTable());   // empty, and isolated from other tests
 *   }
 *   @Override protected int maxEntityKeyLength() { return 1024; }   // if it differs
 * }
 * }</pre>
 *
 * <p>What is checked: ids are unique, at least 1 and increase; {@code pending} is oldest first,
 * pages by {@code afterId} and {@code limit} and leaves resolved entries out; {@code resolve} is
 * idempotent, ignores unknown ids and takes many ids at once; {@code pendingCount}; every field
 * round-trips ({@code at} to the millisecond, a null entity key, awkward characters); identifying
 * fields beyond their limit are rejected with the length and the limit in the message while a long
 * detail is only shortened; bad arguments fail clearly; concurrent appends from many threads get
 * unique ids and none is lost; a repair loop running alongside appenders resolves everything.
 *
 * <p>No test sleeps: threads start together on a latch and are awaited with a deadline.
 *
 * @since 0.1.0
 */
public abstract class FailedWriteJournalContract {
    /** A millisecond instant, as every journal keeps it. */
    protected static final Instant AT = Instant.parse("2024-05-01T12:34:56.789Z");

    /** The journal under test, new and empty for each test. */
    protected FailedWriteJournal journal;

    /** For subclasses. */
    protected FailedWriteJournalContract() {}

    // ---------------------------------------------------------------------------------------------
    // hooks

    /** A new, empty journal, isolated from the journals of other tests. */
    protected abstract FailedWriteJournal newJournal() throws Exception;

    /** The longest entity key the journal accepts; longer ones must be rejected. */
    protected int maxEntityKeyLength() {
        return JdbcFailedWriteJournal.MAX_ENTITY_KEY_LENGTH;
    }

    /** The longest repository name the journal accepts; longer ones must be rejected. */
    protected int maxRepositoryLength() {
        return JdbcFailedWriteJournal.MAX_REPOSITORY_LENGTH;
    }

    /** The longest method name the journal accepts; longer ones must be rejected. */
    protected int maxMethodLength() {
        return JdbcFailedWriteJournal.MAX_METHOD_LENGTH;
    }

    /** The longest detail the journal keeps whole; longer ones may be shortened to it. */
    protected int maxDetailLength() {
        return JdbcFailedWriteJournal.MAX_DETAIL_LENGTH;
    }

    @BeforeEach
    void createJournalUnderTest() throws Exception {
        journal = newJournal();
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** A write for {@code key}, all other fields fixed. */
    protected static FailedWrite write(@Nullable String key) {
        return new FailedWrite("OrderRepository", "save", key, Target.NEW, Reason.FAILED, "boom", AT);
    }

    /** Appends writes for the keys, returning their ids in order. */
    protected final List<Long> appendAll(String... keys) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (String key : keys) {
            ids.add(journal.append(write(key)));
        }
        return ids;
    }

    /** Every pending entry, read in pages of {@code pageSize}. */
    protected final List<JournalEntry> allPending(int pageSize) throws Exception {
        List<JournalEntry> all = new ArrayList<>();
        long after = 0;
        for (List<JournalEntry> page; !(page = journal.pending(after, pageSize)).isEmpty(); ) {
            assertThat(page).hasSizeLessThanOrEqualTo(pageSize);
            all.addAll(page);
            after = page.get(page.size() - 1).id();
        }
        return all;
    }

    static List<Long> ids(List<JournalEntry> entries) {
        return entries.stream().map(JournalEntry::id).collect(Collectors.toList());
    }

    static List<@Nullable String> keys(List<JournalEntry> entries) {
        return entries.stream().map(e -> e.write().entityKey()).collect(Collectors.toList());
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    // ---------------------------------------------------------------------------------------------
    // ids and order

    @Test
    void emptyJournalHasNothingPending() throws Exception {
        assertThat(journal.pending(0, 10)).isEmpty();
        assertThat(journal.pendingCount()).isZero();
    }

    @Test
    void idsArePositiveAndIncrease() throws Exception {
        List<Long> ids = appendAll("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        assertThat(ids.get(0)).isPositive();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void pendingIsOldestFirst() throws Exception {
        List<Long> ids = appendAll("k3", "k1", "k2", "k1");
        List<JournalEntry> pending = journal.pending(0, 10);
        // the second k1 replaced the first: one entry per key, ordered by its latest append
        assertThat(ids(pending)).containsExactly(ids.get(0), ids.get(2), ids.get(3));
        assertThat(keys(pending)).containsExactly("k3", "k2", "k1");
    }

    @Test
    void appendCoalescesPerRepositoryKeyAndTarget() throws Exception {
        long first = journal.append(write("k"));
        long second =
                journal.append(new FailedWrite("OrderRepository", "other", "k", Target.NEW, Reason.SHED, "again", AT));
        long otherTarget =
                journal.append(new FailedWrite("OrderRepository", "save", "k", Target.OLD, Reason.FAILED, "d", AT));
        long otherRepo = journal.append(new FailedWrite("S", "save", "k", Target.NEW, Reason.FAILED, "d", AT));
        long keyless1 = journal.append(write(null));
        long keyless2 = journal.append(write(null));
        assertThat(second).isGreaterThan(first);
        assertThat(keyless2).isGreaterThan(keyless1);
        assertThat(ids(journal.pending(0, 100))).containsExactly(second, otherTarget, otherRepo, keyless2);
        assertThat(journal.pendingCount()).isEqualTo(4);
        JournalEntry latest = journal.pending(0, 1).get(0);
        assertThat(latest.write().method()).isEqualTo("other");
        assertThat(latest.write().detail()).isEqualTo("again");
    }

    @Test
    void resolvingAReplacedEntryLeavesTheNewerOnePending() throws Exception {
        long read = journal.append(write("k"));
        // a repair read entry `read`; meanwhile another write of k missed
        long newer = journal.append(write("k"));
        journal.resolve(List.of(read));
        assertThat(ids(journal.pending(0, 10))).containsExactly(newer);
        journal.resolve(List.of(newer));
        assertThat(journal.pendingCount()).isZero();
        // after a resolve the key can be journaled again
        long again = journal.append(write("k"));
        assertThat(ids(journal.pending(0, 10))).containsExactly(again);
    }

    @Test
    void pendingEntriesNeverExceedDistinctKeys() throws Exception {
        java.util.Random random = new java.util.Random(42);
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            String key = "k" + random.nextInt(20);
            distinct.add(key);
            journal.append(write(key));
            assertThat(journal.pendingCount()).isLessThanOrEqualTo(distinct.size());
        }
        assertThat(journal.pendingCount()).isEqualTo(distinct.size());
    }

    @Test
    void gapsArePutReplacedRemovedAndClosed() throws Exception {
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        Gap run = new Gap("run-1", "R", Gap.Kind.RUN, t0, t0.plusSeconds(30), "a process");
        Gap overflow =
                new Gap("over-1", "R", Gap.Kind.OVERFLOW, t0.plusSeconds(5), t0.plusSeconds(6), "past the bound");
        journal.putGap(run);
        journal.putGap(overflow);
        assertThat(journal.gaps()).containsExactly(run, overflow);
        // a live run is no open gap; an overflow always is; a run whose lease passed is
        assertThat(journal.openGaps(t0.plusSeconds(10))).containsExactly(overflow);
        assertThat(journal.openGaps(t0.plusSeconds(31))).containsExactly(run, overflow);
        // the heartbeat renews the lease
        Gap renewed = new Gap("run-1", "R", Gap.Kind.RUN, t0, t0.plusSeconds(60), "a process");
        journal.putGap(renewed);
        assertThat(journal.gaps()).containsExactly(renewed, overflow);
        // a reconciliation that started after the overflow ended closes it, not the live run
        assertThat(journal.closeGaps(t0.plusSeconds(7))).isEqualTo(1);
        assertThat(journal.gaps()).containsExactly(renewed);
        assertThat(journal.closeGaps(t0.plusSeconds(6))).isZero();
        // renewing a closed gap opens it again
        journal.putGap(overflow);
        assertThat(journal.gaps()).containsExactly(renewed, overflow);
        journal.removeGap("run-1");
        journal.removeGap("unknown");
        assertThat(journal.gaps()).containsExactly(overflow);
    }

    @Test
    void gapsKeepTheirInstantsToTheMillisecond() throws Exception {
        Instant from = Instant.parse("2030-01-02T03:04:05.123Z");
        Gap g = new Gap("g", "Repo with a long name", Gap.Kind.KEY_REJECTED, from, from.plusMillis(1), "d");
        journal.putGap(g);
        assertThat(journal.gaps()).containsExactly(g);
    }

    @Test
    void gapIdsTooLongAreRejected() {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        assertThatThrownBy(() -> journal.putGap(new Gap("x".repeat(65), "R", Gap.Kind.OVERFLOW, t, t, "d")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64");
    }

    @Test
    void pendingPagesByAfterIdAndLimit() throws Exception {
        List<Long> ids = appendAll("a", "b", "c", "d", "e", "f", "g");
        assertThat(ids(journal.pending(0, 3))).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(ids(journal.pending(ids.get(2), 3))).containsExactlyElementsOf(ids.subList(3, 6));
        assertThat(ids(journal.pending(ids.get(5), 3))).containsExactly(ids.get(6));
        assertThat(journal.pending(ids.get(6), 3)).isEmpty();
        assertThat(journal.pending(Long.MAX_VALUE, 3)).isEmpty();
        // afterId need not be an id: a gap or a value below the first id works as a bound
        assertThat(ids(journal.pending(ids.get(1) - 1, 1))).containsExactly(ids.get(1));
        assertThat(ids(journal.pending(-1, 2))).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(ids(journal.pending(0, Integer.MAX_VALUE))).containsExactlyElementsOf(ids);
        assertThat(ids(allPending(2))).containsExactlyElementsOf(ids);
    }

    @Test
    void pendingLeavesResolvedEntriesOut() throws Exception {
        List<Long> ids = appendAll("a", "b", "c", "d", "e");
        journal.resolve(List.of(ids.get(1), ids.get(3)));
        assertThat(keys(journal.pending(0, 10))).containsExactly("a", "c", "e");
        // a full page is made of pending entries, not cut short by resolved ones in between
        assertThat(keys(journal.pending(ids.get(0), 2))).containsExactly("c", "e");
        assertThat(keys(journal.pending(0, 2))).containsExactly("a", "c");
    }

    // ---------------------------------------------------------------------------------------------
    // resolve and count

    @Test
    void pendingCountCountsUnresolvedEntries() throws Exception {
        assertThat(journal.pendingCount()).isZero();
        List<Long> ids = appendAll("a", "b", "c");
        assertThat(journal.pendingCount()).isEqualTo(3);
        journal.resolve(List.of(ids.get(0)));
        assertThat(journal.pendingCount()).isEqualTo(2);
        journal.resolve(ids);
        assertThat(journal.pendingCount()).isZero();
        journal.append(write("d"));
        assertThat(journal.pendingCount()).isEqualTo(1);
    }

    @Test
    void resolveIsIdempotent() throws Exception {
        List<Long> ids = appendAll("a", "b", "c");
        journal.resolve(List.of(ids.get(1)));
        journal.resolve(List.of(ids.get(1)));
        journal.resolve(List.of(ids.get(1), ids.get(1), ids.get(2)));
        assertThat(keys(journal.pending(0, 10))).containsExactly("a");
        assertThat(journal.pendingCount()).isEqualTo(1);
    }

    @Test
    void resolveIgnoresUnknownIds() throws Exception {
        List<Long> ids = appendAll("a", "b");
        long last = ids.get(1);
        journal.resolve(List.of());
        journal.resolve(List.of(0L, -1L, Long.MIN_VALUE, last + 1, last + 1000, Long.MAX_VALUE));
        assertThat(ids(journal.pending(0, 10))).containsExactlyElementsOf(ids);
        journal.resolve(List.of(last + 5, ids.get(0), -7L));
        assertThat(keys(journal.pending(0, 10))).containsExactly("b");
        // an id resolved before it exists does not resolve the entry that later gets it
        long next = journal.append(write("c"));
        assertThat(keys(journal.pending(0, 10))).containsExactly("b", "c");
        assertThat(next).isGreaterThan(last);
    }

    @Test
    void resolveTakesManyIdsAtOnce() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            ids.add(journal.append(write("k" + i)));
        }
        long max = ids.get(ids.size() - 1);
        List<Long> toResolve = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (i != 7 && i != 599) {
                toResolve.add(ids.get(i));
            }
        }
        LongStream.rangeClosed(max + 1, max + 700).forEach(toResolve::add); // unknown, to pass 1000
        java.util.Collections.shuffle(toResolve, new java.util.Random(42));
        journal.resolve(toResolve);
        assertThat(keys(journal.pending(0, 10))).containsExactly("k7", "k599");
        assertThat(journal.pendingCount()).isEqualTo(2);
    }

    // ---------------------------------------------------------------------------------------------
    // round trips, limits and bad arguments: JournalFieldChecks

    @Test
    void everyFieldRoundTrips() throws Exception {
        new JournalFieldChecks(this).everyFieldRoundTrips();
    }

    @Test
    void nullEntityKeyRoundTrips() throws Exception {
        new JournalFieldChecks(this).nullEntityKeyRoundTrips();
    }

    @Test
    void instantsKeepAtLeastMilliseconds() throws Exception {
        new JournalFieldChecks(this).instantsKeepAtLeastMilliseconds();
    }

    @Test
    void identifyingFieldsRoundTripExactly() throws Exception {
        new JournalFieldChecks(this).identifyingFieldsRoundTripExactly();
    }

    @Test
    void limitBelowOneIsRejected() throws Exception {
        new JournalFieldChecks(this).limitBelowOneIsRejected();
    }

    @Test
    void entityKeyAtTheLimitIsKeptAndOneMoreIsRejected() throws Exception {
        new JournalFieldChecks(this).entityKeyAtTheLimitIsKeptAndOneMoreIsRejected();
    }

    @Test
    void repositoryOrMethodBeyondTheLimitIsRejected() throws Exception {
        new JournalFieldChecks(this).repositoryOrMethodBeyondTheLimitIsRejected();
    }

    @Test
    void keysNoDatabaseCanStoreAreRejected() throws Exception {
        new JournalFieldChecks(this).keysNoDatabaseCanStoreAreRejected();
    }

    @Test
    void longDetailIsShortenedNeverRejected() throws Exception {
        new JournalFieldChecks(this).longDetailIsShortenedNeverRejected();
    }

    @Test
    void nullArgumentsAreRejected() throws Exception {
        new JournalFieldChecks(this).nullArgumentsAreRejected();
    }

    // ---------------------------------------------------------------------------------------------
    // concurrency: JournalConcurrencyChecks

    /** Appending threads in {@link #concurrentAppendsGetUniqueIdsAndNoneIsLost()}. */
    protected int appendThreads() {
        return 8;
    }

    /** Appends per thread in {@link #concurrentAppendsGetUniqueIdsAndNoneIsLost()}. */
    protected int appendsPerThread() {
        return 200;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void concurrentAppendsGetUniqueIdsAndNoneIsLost() throws Exception {
        new JournalConcurrencyChecks(this).concurrentAppendsGetUniqueIdsAndNoneIsLost();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void repairLoopAlongsideAppendersResolvesEverything() throws Exception {
        new JournalConcurrencyChecks(this).repairLoopAlongsideAppendersResolvesEverything();
    }
}
