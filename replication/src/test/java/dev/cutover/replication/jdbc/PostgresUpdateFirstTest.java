package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The PostgreSQL target's update of stored keys first ({@code WITH ... UPDATE ... FROM unnest(...)}),
 * tried while runs meet mostly stored keys: the statements it replaces, its outcomes, and the
 * writers that race it before its snapshot, between its snapshot and its update (the update waits
 * for their row lock, then re-checks the version), and after it, before the conditional upsert.
 */
class PostgresUpdateFirstTest {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.POSTGRES, "update_first");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();

    @AfterContainer
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    /** The change of a key at a version: one per pair, so two appliers holding it hold the same change. */
    static Change change(String key, long version) {
        return version % 3 == 0
                ? Change.delete(key, version)
                : Change.upsert(key, version, JSON.objectNode().put("key", key).put("v", version));
    }

    private static JdbcVersionedTarget over(RacingDataSource ds, String table) throws Exception {
        return JdbcVersionedTarget.builder(ds).table(table).batchSize(5).build();
    }

    /**
     * A target whose next run skips the plain insert and tries the update first: a redelivered
     * change failed the plain insert once (skip one run) and was settled by the update first.
     */
    private static JdbcVersionedTarget primed(RacingDataSource ds, String table, String warmUpKey) throws Exception {
        JdbcVersionedTarget target = over(ds, table);
        Change warm = change(warmUpKey, 1);
        assertThat(target.apply(List.of(warm))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(target.apply(List.of(warm))).containsExactly(ApplyOutcome.DUPLICATE);
        assertThat(ds.drain()).containsExactly("INSERT", "INSERT", "WITH");
        return target;
    }

    private static String freshTable() throws Exception {
        return FreshTargets.on(TABLES, b -> b).table();
    }

    @Example
    void runsOfStoredKeysAreOneUpdateStatementAndMixedRunsKeepExactOutcomes() throws Exception {
        RacingDataSource ds = new RacingDataSource(TABLES.dataSource());
        JdbcVersionedTarget target = over(ds, freshTable());
        List<Change> first = new ArrayList<>();
        List<Change> second = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(change("k" + i, 1));
            second.add(change("k" + i, 2));
        }
        assertThat(target.apply(first)).containsOnly(ApplyOutcome.APPLIED);
        assertThat(ds.drain()).as("new keys: plain inserts").containsExactly("INSERT", "INSERT");
        assertThat(target.apply(second)).containsOnly(ApplyOutcome.APPLIED);
        assertThat(ds.drain())
                .as("stored keys: the plain insert fails once, then the update first settles each run")
                .containsExactly("INSERT", "WITH", "WITH");
        assertThat(target.read("k4")).contains(change("k4", 2));
        ds.drain();
        // duplicate, superseded, newer, a tombstone, a new key: only the new key is left to the upsert
        List<Change> mixed =
                List.of(change("k0", 2), change("k1", 1), change("k2", 4), change("k3", 3), change("new", 2));
        assertThat(target.apply(mixed))
                .containsExactly(
                        ApplyOutcome.DUPLICATE,
                        ApplyOutcome.SUPERSEDED,
                        ApplyOutcome.APPLIED,
                        ApplyOutcome.APPLIED,
                        ApplyOutcome.APPLIED);
        assertThat(ds.drain()).containsExactly("INSERT", "WITH", "UPSERT");
        assertThat(target.read("k3")).contains(Change.delete("k3", 3));
        assertThat(target.read("new")).contains(change("new", 2));
        // a tombstone keeps older upserts out and lets a newer one in
        assertThat(target.apply(List.of(change("k3", 2), change("k3", 4))))
                .containsExactly(ApplyOutcome.SUPERSEDED, ApplyOutcome.APPLIED);
        assertThat(target.read("k3")).contains(change("k3", 4));
        ds.drain();
        // redelivered changes: settled by the same one statement, nothing written
        assertThat(target.apply(second.subList(5, 10))).containsOnly(ApplyOutcome.DUPLICATE);
        assertThat(ds.drain()).contains("WITH").doesNotContain("UPSERT", "SELECT");
    }

    @Example
    void runsOfNewKeysBackTheUpdateFirstOff() throws Exception {
        RacingDataSource ds = new RacingDataSource(TABLES.dataSource());
        JdbcVersionedTarget target = primed(ds, freshTable(), "warm-up");
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // the stored key fails every plain insert tried; the new keys land through the upsert
            List<Change> batch = List.of(change("warm-up", 1), change("n" + i, 1), change("m" + i, 1));
            assertThat(target.apply(batch))
                    .containsExactly(ApplyOutcome.DUPLICATE, ApplyOutcome.APPLIED, ApplyOutcome.APPLIED);
            statements.addAll(ds.drain());
        }
        assertThat(statements.stream().filter("UPSERT"::equals)).hasSize(20);
        assertThat(statements.stream().filter("WITH"::equals))
                .as("tried after 0, 1, 2, 4 and 8 skipped runs")
                .hasSize(5);
    }

    /** When another writer lands its change, relative to our update first. */
    enum Moment {
        /** Before our statement takes its snapshot. */
        BEFORE,
        /** After our snapshot, before our update locks the row: our update waits, then re-checks. */
        DURING,
        /** After our statement found the key missing, before our conditional upsert. */
        AFTER
    }

    /** A stored version (0: none), our change above it, and a racing writer's change at a moment. */
    record Race(long stored, Change ours, Change racer, Moment moment) {}

    @Provide
    Arbitrary<Race> races() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, 3),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.of(Moment.class))
                .as((stored, above, racerAbove, moment) -> {
                    // DURING needs a stored row to lock, AFTER a key our statement finds missing
                    long s = moment == Moment.DURING ? Math.max(1, stored) : moment == Moment.AFTER ? 0 : stored;
                    return new Race(s, change("r", s + above), change("r", s + racerAbove), moment);
                });
    }

    /**
     * Another writer lands its change before, during or after our update first: its version is
     * never overwritten by an older or equal one, and our outcome says what happened to ours.
     */
    @Property(tries = 40)
    void aWriterRacingTheUpdateFirstIsNeverOverwritten(@ForAll("races") Race race) throws Exception {
        RacingDataSource ds = new RacingDataSource(TABLES.dataSource());
        String table = freshTable();
        JdbcVersionedTarget target = primed(ds, table, "warm-up");
        JdbcVersionedTarget other =
                JdbcVersionedTarget.builder(TABLES.dataSource()).table(table).build();
        if (race.stored() > 0) {
            other.apply(List.of(change("r", race.stored())));
        }
        CompletableFuture<Void> racerDone = new CompletableFuture<>();
        switch (race.moment()) {
            case BEFORE ->
                ds.armOnce(sql -> sql.startsWith("WITH"), () -> {
                    assertThat(other.apply(List.of(race.racer()))).containsExactly(ApplyOutcome.APPLIED);
                    racerDone.complete(null);
                });
            case AFTER ->
                ds.armOnce(sql -> sql.contains("ON CONFLICT"), () -> {
                    assertThat(other.apply(List.of(race.racer()))).containsExactly(ApplyOutcome.APPLIED);
                    racerDone.complete(null);
                });
            case DURING ->
                ds.armOnce(sql -> sql.startsWith("WITH"), () -> lockThenCommitOnceBlocked(table, race, racerDone));
        }
        Change winner = JdbcTargetChecks.applyRaced(target, ds, race.ours(), race.racer());
        racerDone.get(30, TimeUnit.SECONDS);
        assertThat(other.read("r")).contains(winner);
    }

    /**
     * The racer of {@link Moment#DURING}: in a transaction of its own it writes its change to the
     * stored row (holding the row's lock), and commits only once our statement waits for that lock,
     * that is after our snapshot was taken.
     */
    private static void lockThenCommitOnceBlocked(String table, Race race, CompletableFuture<Void> done)
            throws Exception {
        Connection c = TABLES.dataSource().getConnection();
        c.setAutoCommit(false);
        Change racer = race.racer();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLES.quote(table)
                + " SET version = ?, deleted = ?, payload = CAST(? AS jsonb), applied_at = now()"
                + " WHERE entity_key = ? AND version < ?")) {
            JsonNode payload = racer.payload();
            ps.setLong(1, racer.version());
            ps.setBoolean(2, racer.isDelete());
            ps.setString(3, payload == null ? null : payload.toString());
            ps.setString(4, racer.key());
            ps.setLong(5, racer.version());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        THREADS.submit(() -> {
            try (c) {
                await().atMost(Duration.ofSeconds(20)).until(() -> waitingForALock(table));
                c.commit();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
            return null;
        });
    }

    private static boolean waitingForALock(String table) throws Exception {
        try (Connection c = TABLES.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query LIKE 'WITH%' AND query LIKE ?")) {
            ps.setString(1, "%" + table + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** What two appliers are given: versions stored before, and each applier's changes in order. */
    record Overlap(Map<String, Long> stored, List<Change> first, List<Change> second) {}

    @Provide
    Arbitrary<Overlap> overlaps() {
        Arbitrary<String> key = Arbitraries.of("a", "b", "c", "d", "e", "f");
        Arbitrary<Change> change =
                Combinators.combine(key, Arbitraries.longs().between(1, 8)).as(PostgresUpdateFirstTest::change);
        Arbitrary<Map<String, Long>> stored =
                Arbitraries.maps(key, Arbitraries.longs().between(1, 5)).ofMaxSize(6);
        return Combinators.combine(
                        stored,
                        change.list().ofMinSize(1).ofMaxSize(24),
                        change.list().ofMinSize(1).ofMaxSize(24))
                .as(Overlap::new);
    }

    /**
     * Two appliers (as two processes: a target each) on overlapping keys with mixed versions, both
     * updating stored keys first: every key ends at its highest version, each change is APPLIED at
     * most once between them and the highest version of each key exactly once (unless it was stored
     * before), and every DUPLICATE and SUPERSEDED has its reason.
     */
    @Property(tries = 25)
    void twoAppliersOnOverlappingKeysConverge(@ForAll("overlaps") Overlap overlap) throws Exception {
        String table = freshTable();
        JdbcVersionedTarget setup =
                JdbcVersionedTarget.builder(TABLES.dataSource()).table(table).build();
        for (Map.Entry<String, Long> e : overlap.stored().entrySet()) {
            setup.apply(List.of(change(e.getKey(), e.getValue())));
        }
        List<List<Change>> lists = List.of(overlap.first(), overlap.second());
        List<JdbcVersionedTarget> appliers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            appliers.add(primed(new RacingDataSource(TABLES.dataSource()), table, "warm-up-" + i));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<ApplyOutcome>>> results = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JdbcVersionedTarget target = appliers.get(i);
            List<Change> mine = lists.get(i);
            results.add(THREADS.submit(() -> {
                start.await();
                List<ApplyOutcome> outcomes = new ArrayList<>();
                for (int from = 0; from < mine.size(); from += 4) {
                    outcomes.addAll(target.apply(mine.subList(from, Math.min(mine.size(), from + 4))));
                }
                return outcomes;
            }));
        }
        start.countDown();
        Map<Change, Integer> applied = new HashMap<>();
        Map<String, Long> highest = new HashMap<>(overlap.stored());
        List<Change> duplicates = new ArrayList<>();
        List<Change> superseded = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            List<ApplyOutcome> outcomes = results.get(i).get(60, TimeUnit.SECONDS);
            List<Change> mine = lists.get(i);
            assertThat(outcomes).hasSameSizeAs(mine);
            for (int k = 0; k < mine.size(); k++) {
                Change c = mine.get(k);
                highest.merge(c.key(), c.version(), Math::max);
                switch (outcomes.get(k)) {
                    case APPLIED -> applied.merge(c, 1, Integer::sum);
                    case DUPLICATE -> duplicates.add(c);
                    case SUPERSEDED -> superseded.add(c);
                }
            }
        }
        for (Map.Entry<String, Long> e : highest.entrySet()) {
            Change top = change(e.getKey(), e.getValue());
            assertThat(setup.read(e.getKey())).as("key %s", e.getKey()).contains(top);
            if (!e.getValue().equals(overlap.stored().get(e.getKey()))) {
                assertThat(applied.get(top)).as("times %s was applied", top).isEqualTo(1);
            }
        }
        applied.forEach((c, times) -> {
            assertThat(times).as("times %s was applied", c).isEqualTo(1);
            assertThat(c.version()).isGreaterThan(overlap.stored().getOrDefault(c.key(), 0L));
        });
        for (Change c : duplicates) {
            boolean storedBefore = overlap.stored().getOrDefault(c.key(), 0L) == c.version();
            assertThat(storedBefore || applied.containsKey(c))
                    .as("%s is a duplicate of a change stored before or applied", c)
                    .isTrue();
        }
        for (Change c : superseded) {
            assertThat(highest.get(c.key()))
                    .as("%s was superseded by a higher version", c)
                    .isGreaterThan(c.version());
        }
    }
}
