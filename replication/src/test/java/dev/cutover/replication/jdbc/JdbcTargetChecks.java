package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.testsupport.FreshTables;
import dev.cutover.testsupport.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What the {@link JdbcVersionedTarget} promises beyond the shared contract, run on each real
 * store by a subclass: exact outcomes for batches holding a key several times, over stored state,
 * and under concurrent appliers; keys that collations would merge; bad input; tokens; purge.
 */
abstract class JdbcTargetChecks {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    abstract FreshTables tables();

    JdbcVersionedTarget fresh() throws Exception {
        return FreshTargets.on(tables(), b -> b.segments(4).batchSize(5));
    }

    static JsonNode payload(String key, long version) {
        return JSON.objectNode().put("key", key).put("v", version);
    }

    static Change upsert(String key, long version) {
        return Change.upsert(key, version, payload(key, version));
    }

    /** Stored versions first, then one batch: per-change outcomes, in input order, as if applied one by one. */
    @Property(tries = 25)
    void aBatchHoldingKeysSeveralTimesGetsTheOutcomesOfOneByOne(
            @ForAll("ops") List<Change> before, @ForAll("ops") List<Change> batch) throws Exception {
        JdbcVersionedTarget target = fresh();
        Map<String, Long> model = new HashMap<>();
        for (Change c : before) {
            target.apply(List.of(c));
            model.merge(c.key(), c.version(), Math::max);
        }
        List<ApplyOutcome> expected = new ArrayList<>();
        Map<String, Change> last = new HashMap<>();
        for (Change c : batch) {
            long stored = model.getOrDefault(c.key(), 0L);
            expected.add(
                    c.version() > stored
                            ? ApplyOutcome.APPLIED
                            : c.version() == stored ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED);
            if (c.version() > stored) {
                model.put(c.key(), c.version());
                last.put(c.key(), c);
            }
        }
        assertThat(target.apply(batch)).isEqualTo(expected);
        for (Change want : last.values()) {
            assertThat(target.read(want.key())).contains(want);
        }
    }

    @Provide
    Arbitrary<List<Change>> ops() {
        Arbitrary<String> key = Arbitraries.of("a", "b", "c", "d", "e", "A", "a ", "é", "e\u0301");
        Arbitrary<Long> version = Arbitraries.longs().between(1, 6);
        Arbitrary<Boolean> delete = Arbitraries.integers().between(0, 4).map(i -> i == 0);
        return Combinators.combine(key, version, delete)
                .as((k, v, d) -> d ? Change.delete(k, v) : upsert(k, v))
                .list()
                .ofMaxSize(18);
    }

    /** A stored version (0: none), our change above it, and a racing writer's change. */
    record Race(long stored, boolean storedDelete, Change ours, Change racer) {}

    @Provide
    Arbitrary<Race> races() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, 3),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.of("r", "R", "r "))
                .as((stored, above, racerAbove, kinds, key) -> {
                    long ours = stored + above;
                    long racer = stored + racerAbove; // below, equal to or above ours
                    Change mine = (kinds & 1) == 0 ? upsert(key, ours) : Change.delete(key, ours);
                    Change theirs = (kinds & 2) == 0 ? upsert(key, racer) : Change.delete(key, racer);
                    return new Race(stored, kinds == 3, mine, theirs);
                });
    }

    /**
     * Another writer lands its change between our read and our conditional write (just before our
     * write statement runs): the write must not overwrite a version at least as new, and our outcome
     * must say what happened.
     */
    @Property(tries = 30)
    void aWriterRacingTheConditionalWriteIsNeverOverwritten(@ForAll("races") Race race) throws Exception {
        JdbcVersionedTarget plain = fresh();
        String key = race.ours().key();
        if (race.stored() > 0) {
            plain.apply(List.of(race.storedDelete() ? Change.delete(key, race.stored()) : upsert(key, race.stored())));
        }
        RacingDataSource racing = new RacingDataSource(tables().dataSource());
        racing.armOnce(
                sql -> sql.startsWith("UPDATE") || sql.startsWith("INSERT") || sql.startsWith("WITH"),
                () -> assertThat(plain.apply(List.of(race.racer()))).containsExactly(ApplyOutcome.APPLIED));
        JdbcVersionedTarget target =
                JdbcVersionedTarget.builder(racing).table(plain.table()).build();
        Change winner = applyRaced(target, racing, race.ours(), race.racer());
        assertThat(plain.read(key)).contains(winner);
    }

    /**
     * Applies {@code ours} through {@code target} while {@code racer} races it (the hook armed on
     * {@code racing}): checks our outcome against the racer's version and that the racer ran, and
     * returns the change that must be stored.
     */
    static Change applyRaced(JdbcVersionedTarget target, RacingDataSource racing, Change ours, Change racer)
            throws Exception {
        ApplyOutcome expected = ours.version() > racer.version()
                ? ApplyOutcome.APPLIED
                : ours.version() == racer.version() ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED;
        assertThat(target.apply(List.of(ours)))
                .as("outcome of %s raced by %s", ours, racer)
                .containsExactly(expected);
        assertThat(racing.fired()).as("the racer ran").isTrue();
        return ours.version() > racer.version() ? ours : racer;
    }

    /** Concurrent appliers of the same changes: each change is applied by exactly one of them. */
    @Example
    void concurrentAppliersOfTheSameChangeGetOneAppliedBetweenThem() throws Exception {
        JdbcVersionedTarget target = fresh();
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            changes.add(upsert("k" + (i % 10), 1 + i / 10));
        }
        Map<Change, AtomicInteger> applied = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    List<Change> mine = new ArrayList<>(changes);
                    Collections.shuffle(mine, new Random(seed));
                    for (int from = 0; from < mine.size(); from += 8) {
                        List<Change> batch = mine.subList(from, from + 8);
                        List<ApplyOutcome> outcomes = target.apply(batch);
                        for (int i = 0; i < batch.size(); i++) {
                            if (outcomes.get(i) == ApplyOutcome.APPLIED) {
                                applied.computeIfAbsent(batch.get(i), c -> new AtomicInteger())
                                        .incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (Change c : changes) {
            int times = applied.getOrDefault(c, new AtomicInteger()).get();
            assertThat(times).as("times %s was reported applied", c).isLessThanOrEqualTo(1);
            if (c.version() == 4) {
                assertThat(times).as("the newest version of %s", c.key()).isEqualTo(1);
                assertThat(target.read(c.key())).contains(c);
            }
        }
    }

    /** A backfill-sized load in default batches: all land, then all are superseded; prints the rate. */
    @Example
    void largeLoadsGoInBatchesAndEveryChangeGetsItsOutcome() throws Exception {
        JdbcVersionedTarget target = FreshTargets.on(tables(), b -> b.segments(8));
        int n = 2000;
        List<Change> inserts = new ArrayList<>();
        List<Change> updates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inserts.add(upsert("customer-" + i, 10));
            updates.add(i % 10 == 0 ? Change.delete("customer-" + i, 11) : upsert("customer-" + i, 11));
        }
        long t0 = System.nanoTime();
        assertThat(target.apply(inserts)).hasSize(n).containsOnly(ApplyOutcome.APPLIED);
        long t1 = System.nanoTime();
        assertThat(target.apply(updates)).hasSize(n).containsOnly(ApplyOutcome.APPLIED);
        long t2 = System.nanoTime();
        assertThat(target.apply(inserts)).hasSize(n).containsOnly(ApplyOutcome.SUPERSEDED);
        long t3 = System.nanoTime();
        System.out.printf(
                "%s: %d new rows %.0f/s, %d updates %.0f/s, %d superseded %.0f/s (batch 100)%n",
                tables().kind(), n, n / ((t1 - t0) / 1e9), n, n / ((t2 - t1) / 1e9), n, n / ((t3 - t2) / 1e9));
        int read = 0;
        for (int s = 0; s < target.segments(); s++) {
            String token = null;
            do {
                Page page = target.readPage(s, token, 500);
                read += page.rows().size();
                token = page.next();
            } while (token != null);
        }
        assertThat(read).isEqualTo(n);
    }

    /** Keys that a padding or case-insensitive collation would merge stay apart. */
    @Example
    void theLayoutIsTheBucketRangesOfTheSegmentCount() throws Exception {
        JdbcVersionedTarget four = FreshTargets.on(tables(), b -> b.segments(4));
        assertThat(four.layout())
                .isEqualTo("crc-32c buckets of 1024, 4 segments")
                .isEqualTo(FreshTargets.on(tables(), b -> b.segments(4)).layout());
        assertThat(FreshTargets.on(tables(), b -> b.segments(8)).layout())
                .isEqualTo("crc-32c buckets of 1024, 8 segments");
    }

    @Example
    void keysDifferingOnlyInCaseTrailingSpaceOrNormalizationStayApart() throws Exception {
        JdbcVersionedTarget target = fresh();
        List<String> keys = List.of("key", "KEY", "key ", " key", "é", "e\u0301", "ß", "ss");
        List<Change> changes = new ArrayList<>();
        for (String k : keys) {
            changes.add(upsert(k, 1));
        }
        assertThat(target.apply(changes)).containsOnly(ApplyOutcome.APPLIED);
        for (String k : keys) {
            assertThat(target.read(k)).contains(upsert(k, 1));
        }
    }

    @Example
    void longestKeysAreStored() throws Exception {
        JdbcVersionedTarget target = fresh();
        String ascii = "k".repeat(Change.MAX_KEY_LENGTH);
        assertThat(target.apply(List.of(upsert(ascii, 1)))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(target.read(ascii)).contains(upsert(ascii, 1));
    }

    @Example
    void unstorableKeysAreRejectedBeforeAnythingIsWritten() throws Exception {
        JdbcVersionedTarget target = fresh();
        for (String bad : List.of("nul\u0000key", "lone\uD800", "\uDC00x")) {
            assertThatThrownBy(() -> target.apply(List.of(upsert("fine", 1), upsert(bad, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("index 1")
                    .hasMessageContaining("\\u");
        }
        assertThat(target.read("fine")).isEmpty();
        assertThat(target.read("nul\u0000key")).isEmpty();
    }

    @Example
    void tombstonesAreReadAsDeletesAndPagesCarryThem() throws Exception {
        JdbcVersionedTarget target = fresh();
        target.apply(List.of(upsert("x", 1), Change.delete("x", 2), Change.delete("never-created", 5)));
        assertThat(target.read("x")).contains(Change.delete("x", 2));
        assertThat(target.read("never-created")).contains(Change.delete("never-created", 5));
        List<Change> all = new ArrayList<>();
        for (int s = 0; s < target.segments(); s++) {
            all.addAll(target.readPage(s, null, 100).rows());
        }
        assertThat(all).containsExactlyInAnyOrder(Change.delete("x", 2), Change.delete("never-created", 5));
    }

    /** Rows, every {@code deleteEvery}-th a tombstone, and a scan of segments {@code from} to {@code to}. */
    record Scan(int rows, int deleteEvery, int from, int to, int limit) {}

    @Provide
    Arbitrary<Scan> scans() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 150),
                        Arbitraries.integers().between(1, 7),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 4))
                .as((rows, every, a, b) -> new int[] {rows, every, Math.min(a, b), Math.max(a, b)})
                .flatMap(p -> Arbitraries.integers().between(1, 40).map(l -> new Scan(p[0], p[1], p[2], p[3], l)));
    }

    /**
     * A scan of segments returns exactly the rows their pages return, tombstones as deletes, each
     * once, in pages of at most the limit without a token; where the target does not scan (MySQL,
     * H2), it says so and refuses.
     */
    @Property(tries = 15)
    void aScanReturnsTheRowsThePagesOfItsSegmentsReturn(@ForAll("scans") Scan sc) throws Exception {
        JdbcVersionedTarget target = fresh();
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < sc.rows(); i++) {
            changes.add(i % sc.deleteEvery() == 0 ? Change.delete("s" + i, 2) : upsert("s" + i, 1));
        }
        target.apply(changes);
        if (!target.scans()) {
            assertThatThrownBy(() -> target.scan(0, target.segments(), 10, page -> {}))
                    .isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        List<Change> paged = new ArrayList<>();
        for (int s = sc.from(); s < sc.to(); s++) {
            String token = null;
            do {
                Page page = target.readPage(s, token, 7);
                paged.addAll(page.rows());
                token = page.next();
            } while (token != null);
        }
        List<Change> scanned = new ArrayList<>();
        target.scan(sc.from(), sc.to(), sc.limit(), page -> {
            assertThat(page.read()).isBetween(1, sc.limit());
            assertThat(page.next()).isNull();
            assertThat(page.rejected()).isEmpty();
            scanned.addAll(page.rows());
        });
        assertThat(scanned).containsExactlyInAnyOrderElementsOf(paged);
        assertThatThrownBy(() -> target.scan(3, 2, 10, page -> {})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> target.scan(0, target.segments() + 1, 10, page -> {}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> target.scan(0, 1, 0, page -> {})).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void tokensOfAnotherSegmentOrForgedAreRejected() throws Exception {
        JdbcVersionedTarget target = fresh();
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            changes.add(upsert("p" + i, 1));
        }
        target.apply(changes);
        Page first = target.readPage(0, null, 2);
        assertThat(first.next()).isNotNull();
        assertThat(target.readPage(0, first.next(), 2).rows()).hasSize(2);
        assertThatThrownBy(() -> target.readPage(1, first.next(), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 1");
        assertThatThrownBy(() -> target.readPage(0, "bad\u0000token", 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void purgeRemovesOnlyTombstonesAppliedBeforeTheHorizon() throws Exception {
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        MutableClock clock = new MutableClock(t0);
        JdbcVersionedTarget target =
                FreshTargets.on(tables(), b -> b.segments(2).clock(clock));
        target.apply(List.of(Change.delete("old", 1), upsert("live-old", 1)));
        clock.set(t0.plusSeconds(3600));
        target.apply(List.of(Change.delete("new", 1), upsert("live-new", 1)));
        assertThat(target.purgeTombstones(t0.plusSeconds(1800))).isEqualTo(1);
        assertThat(target.read("old")).isEmpty();
        assertThat(target.read("new")).contains(Change.delete("new", 1));
        assertThat(target.read("live-old")).isPresent();
        // after the purge, an old upsert of the purged key lands: why the horizon must be long enough
        assertThat(target.apply(List.of(upsert("old", 1)))).containsExactly(ApplyOutcome.APPLIED);
    }
}
