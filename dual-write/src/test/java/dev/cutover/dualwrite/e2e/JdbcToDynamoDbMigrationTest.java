package dev.cutover.dualwrite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Harness;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.testkit.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end test: customers move from PostgreSQL (embedded) to DynamoDB (Local,
 * in-process) stage by stage to NEW_ONLY, with a rollback from LIVE to SHADOW on the way, while
 * four callers keep reading and writing through the proxy. Callers must see no exception and
 * always read back their own last write; the shadow comparisons must find no mismatch the test
 * cannot explain (see {@link #explained}: on a quiet machine there are none); and before NEW_ONLY
 * both stores, at the end DynamoDB, must hold exactly the rows the callers' acknowledged writes
 * left.
 *
 * <p>The migration runs the way an operator would run it: the stage flag is a string flag in a
 * flag store, moved with {@link StageFlag} one step at a time and picked up by a {@link FlagClient}
 * polling every 50 ms. Missed shadow writes go to a {@code JdbcFailedWriteJournal} next to the old
 * table. The backfill copies PostgreSQL to DynamoDB while callers write, with the new store's
 * circuit breaker forced open, so every write that could race with the copy is journaled; the
 * journal repair afterwards settles those keys ({@link BackfillRaceTest} shows the race). The old
 * store's breaker is forced open for a while in RAMP_DOWN too, and that journal is repaired before
 * the checkpoint that compares both stores.
 *
 * <p><b>Every flip runs under full traffic</b>, including those that change the authoritative
 * store (SHADOW to LIVE, the rollback LIVE to SHADOW, and SHADOW to LIVE again): the proxy holds a
 * call to the newly authoritative store until the shadow writes of its key still headed there have
 * ended ({@link AuthorityFlipReorderTest} shows the race that closes), and re-checks a listing only
 * after the shadow writes submitted before it ({@link KeylessRecheckTest}).
 *
 * <p>Run with {@code -Dcutover.e2e.seed=...} to repeat the callers' random choices (timing still
 * differs from run to run).
 */
class JdbcToDynamoDbMigrationTest {
    private static final String FLAG = "customers.migration";
    private static final AuditInfo AUDIT = new AuditInfo("e2e-operator", "JdbcToDynamoDbMigrationTest");
    private static final int IDS = 240;
    private static final int SEEDED = 200;
    private static final int CALLERS = 4;
    private static final long PACE_NANOS = 4_000_000L;
    /** Calls the callers make in each stage, at least. */
    private static final long STAGE_CALLS = 600;

    private static final Duration STAGE_LIMIT = Duration.ofSeconds(30);
    private static final long STARTED = System.nanoTime();

    /** When the proxy was first seen serving a stage. */
    private record Flip(Stage stage, long seenAt) {}

    private interface FlagMove {
        void run() throws Exception;
    }

    private final List<Flip> flips = new ArrayList<>();
    /** When callers were held, as {start, end} in {@link System#nanoTime()}. */
    @Test
    void migratesToNewOnlyAndRollsBackFromLiveWithoutCallerVisibleErrorsOrLostWrites() throws Exception {
        long seed = Long.getLong("cutover.e2e.seed", System.nanoTime());
        log("seed " + seed);
        try (Stores stores = new Stores("dual_write_e2e")) {
            log("stores up");
            List<String> ids = new ArrayList<>();
            Map<String, Customer> initial = new HashMap<>();
            for (int i = 0; i < IDS; i++) {
                String id = String.format("c-%03d", i);
                ids.add(id);
                if (i < SEEDED) {
                    Customer c = new Customer(
                            id,
                            "Seeded " + i,
                            Traffic.TIERS.get(i % 3),
                            List.of("newsletter", "beta"),
                            Instant.parse("2024-01-01T00:00:00Z").plusMillis(i));
                    initial.put(id, stores.postgres.save(c));
                }
            }

            InMemoryFlagStore flagStore = new InMemoryFlagStore();
            Reports reports = new Reports();
            try (FlagClient flags = FlagClient.builder(flagStore)
                    .pollInterval(Duration.ofMillis(50))
                    .build()) {
                CustomerRepository customers = DualWrite.of(CustomerRepository.class)
                        .oldStore(stores.postgres)
                        .newStore(stores.dynamo)
                        .stageFlag(flags, FLAG)
                        .entityKey("save", args -> ((Customer) args[0]).id())
                        // a listing is about no one customer: without this, its tier would be taken as the key
                        .entityKey("listByTier", args -> null)
                        .journal(stores.journal)
                        .listener(reports)
                        .shadowTimeout(Duration.ofSeconds(2))
                        .comparison(Comparison.builder()
                                .unorderedArrays("/tags", "/*/tags") // a DynamoDB string set keeps no order
                                .recheckAfter(Duration.ofMillis(250))
                                .build())
                        .build();
                DualWriteControl control = DualWrite.control(customers);
                KeyCopier copier = new KeyCopier(stores.postgres, stores.dynamo);
                Traffic traffic = new Traffic(customers, ids, initial, CALLERS, seed, PACE_NANOS);
                try {
                    migrate(stores, flagStore, control, copier, traffic, reports);
                } finally {
                    traffic.stop();
                    control.close(Duration.ofSeconds(5));
                    // what the test saw, also when it failed half-way
                    log(traffic.summary());
                    log(reports.summary());
                    log("proxy counts " + control.counts());
                    printStaleReads(traffic.staleReads());
                    reports.mismatches()
                            .forEach(
                                    m -> log("MISMATCH " + (explained(m, reports) ? "(explained) " : "") + m.report()));
                }

                assertThat(traffic.errors()).as("exceptions callers saw").isEmpty();
                assertThat(traffic.staleReads())
                        .as("reads of a caller's own key that missed its last write")
                        .isEmpty();
                assertThat(stores.dynamoRows())
                        .as("DynamoDB holds exactly what the callers' acknowledged writes left")
                        .isEqualTo(traffic.expected());
                assertThat(stores.journal.pendingCount())
                        .as("journal entries unresolved")
                        .isZero();
                assertThat(reports.mismatches())
                        .as("confirmed mismatches not explained")
                        .filteredOn(m -> !explained(m, reports))
                        .isEmpty();
                assertThat(reports.count(Stage.SHADOW, Outcome.MATCH))
                        .as("matches in SHADOW")
                        .isPositive();
                assertThat(reports.count(Stage.LIVE, Outcome.MATCH))
                        .as("matches in LIVE")
                        .isPositive();
                assertThat(reports.count(Outcome.ERROR)).as("comparison errors").isZero();
                DualWriteControl.Counts counts = control.counts();
                assertThat(counts.journalErrors()).as("journal errors").isZero();
                assertThat(counts.listenerErrors()).as("listener errors").isZero();
                assertThat(counts.unknownStages()).as("unknown stages").isZero();
                assertThat(control.isClosed()).isTrue();
                Harness.assertNoLibraryThreads();
                log("done");
            }
        }
    }

    private void migrate(
            Stores stores,
            InMemoryFlagStore flagStore,
            DualWriteControl control,
            KeyCopier copier,
            Traffic traffic,
            Reports reports)
            throws Exception {
        traffic.start();
        awaitStage(control, Stage.OLD_ONLY);
        traffic.runFor(STAGE_CALLS, STAGE_LIMIT);
        assertThat(stores.dynamo.all())
                .as("nothing reaches the new store in OLD_ONLY")
                .isEmpty();

        move(control, () -> StageFlag.advance(flagStore, FLAG, AUDIT), Stage.DUAL_WRITE);
        traffic.runFor(STAGE_CALLS / 2, STAGE_LIMIT);
        // The backfill, while callers write. Shadow writes to the new store are stopped meanwhile, so
        // that each one that could race with the copy (and be overwritten by an older row, or see a
        // deleted row copied back) is journaled instead, and repaired from the journal afterwards.
        control.circuitBreaker(Side.NEW).transitionToForcedOpenState();
        long backfillStart = System.nanoTime();
        int copied = copier.backfill(stores.postgres);
        long backfillMillis = (System.nanoTime() - backfillStart) / 1_000_000;
        control.circuitBreaker(Side.NEW).transitionToClosedState();
        KeyCopier.Repair afterBackfill = copier.repairJournal(stores.journal, Stage.DUAL_WRITE);
        log("backfill copied " + copied + " rows in " + backfillMillis + " ms; journal repair after it "
                + afterBackfill);
        assertThat(afterBackfill.entries())
                .as("writes journaled while the backfill ran")
                .isPositive();
        assertThat(afterBackfill.intoAuthoritative()).isZero();
        traffic.runFor(STAGE_CALLS / 2, STAGE_LIMIT);

        reports.startComparing();
        move(control, () -> StageFlag.advance(flagStore, FLAG, AUDIT), Stage.SHADOW);
        traffic.runFor(2 * STAGE_CALLS, STAGE_LIMIT);

        flipAuthority(
                stores,
                control,
                copier,
                traffic,
                () -> StageFlag.advance(flagStore, FLAG, AUDIT),
                Stage.SHADOW,
                Stage.LIVE);
        traffic.runFor(STAGE_CALLS, STAGE_LIMIT);
        flipAuthority(
                stores,
                control,
                copier,
                traffic,
                () -> StageFlag.rollBack(flagStore, FLAG, AUDIT),
                Stage.LIVE,
                Stage.SHADOW);
        traffic.runFor(STAGE_CALLS, STAGE_LIMIT);
        flipAuthority(
                stores,
                control,
                copier,
                traffic,
                () -> StageFlag.advance(flagStore, FLAG, AUDIT),
                Stage.SHADOW,
                Stage.LIVE);
        traffic.runFor(STAGE_CALLS, STAGE_LIMIT);

        move(control, () -> StageFlag.advance(flagStore, FLAG, AUDIT), Stage.RAMP_DOWN);
        traffic.runFor(STAGE_CALLS / 2, STAGE_LIMIT);
        control.circuitBreaker(Side.OLD).transitionToForcedOpenState();
        traffic.runFor(100, STAGE_LIMIT);
        // the shadow writes of those calls run on the proxy's lanes: let them meet the open breaker
        traffic.pause();
        try {
            assertThat(control.awaitIdle(Duration.ofSeconds(30)))
                    .as("shadow work drained, breaker open")
                    .isTrue();
            control.circuitBreaker(Side.OLD).transitionToClosedState();
        } finally {
            traffic.resume();
        }
        KeyCopier.Repair rampDown = copier.repairJournal(stores.journal, Stage.RAMP_DOWN);
        log("journal repair in RAMP_DOWN " + rampDown);
        assertThat(rampDown.entries())
                .as("writes the old store missed while its breaker was forced open")
                .isPositive();
        assertThat(rampDown.intoAuthoritative()).isZero();
        traffic.runFor(STAGE_CALLS / 2, STAGE_LIMIT);

        // the last look before the old store stops getting writes: callers held, shadow work drained
        traffic.pause();
        try {
            assertThat(control.awaitIdle(Duration.ofSeconds(10)))
                    .as("shadow work drained")
                    .isTrue();
            KeyCopier.Repair checkpoint = copier.repairJournal(stores.journal, Stage.RAMP_DOWN);
            Map<String, Customer> expected = traffic.expected();
            assertThat(stores.postgresRows()).as("PostgreSQL before NEW_ONLY").isEqualTo(expected);
            assertThat(stores.dynamoRows()).as("DynamoDB before NEW_ONLY").isEqualTo(expected);
            log("checkpoint before NEW_ONLY: journal repair " + checkpoint + "; both stores hold the same "
                    + expected.size() + " rows the callers left");
        } finally {
            traffic.resume();
        }

        move(control, () -> StageFlag.advance(flagStore, FLAG, AUDIT), Stage.NEW_ONLY);
        traffic.runFor(STAGE_CALLS, STAGE_LIMIT);
        traffic.stop();
        assertThat(control.awaitIdle(Duration.ofSeconds(10)))
                .as("shadow work drained")
                .isTrue();
        KeyCopier.Repair last = copier.repairJournal(stores.journal, Stage.NEW_ONLY);
        log("final journal repair " + last);
        assertThat(last.entries())
                .as("shadow writes missed after the checkpoint")
                .isZero();
        assertThat(control.close(Duration.ofSeconds(5)))
                .as("proxy closed cleanly")
                .isTrue();
    }

    /** A flip that changes the authoritative store, under full traffic. */
    private void flipAuthority(
            Stores stores,
            DualWriteControl control,
            KeyCopier copier,
            Traffic traffic,
            FlagMove move,
            Stage from,
            Stage to)
            throws Exception {
        // the operator's step before authority moves: the writes the shadow side missed so far are
        // copied from the store that is authoritative now, with callers held and shadow work drained,
        // so no miss of this stage is left for a stage in which the other store is authoritative
        traffic.pause();
        try {
            assertThat(control.awaitIdle(Duration.ofSeconds(30)))
                    .as("shadow work drained before " + to)
                    .isTrue();
            log("journal repair before " + from + " -> " + to + ": " + copier.repairJournal(stores.journal, from));
        } finally {
            traffic.resume();
        }
        long start = System.nanoTime();
        move(control, move, to);
        log(from + " -> " + to + " under traffic, served after " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /**
     * Whether a confirmed mismatch has the one explanation this test allows: a keyed read whose
     * shadow store really lacked a write, because a shadow write of that key to it was missed (shed,
     * timed out or failed, and journaled) while comparisons ran, until the journal repair. On a quiet
     * machine there are none at all.
     */
    private boolean explained(Reports.Mismatch m, Reports reports) {
        return m.report().entityKey() != null && reports.explainedByMissedWrite(m.report());
    }

    /** An operator's flag write with {@link StageFlag}, then waiting until the proxy serves its stage. */
    private void move(DualWriteControl control, FlagMove move, Stage stage) throws Exception {
        move.run();
        awaitStage(control, stage);
    }

    private void awaitStage(DualWriteControl control, Stage stage) {
        Eventually.within(Duration.ofSeconds(5), "the proxy to serve " + stage, () -> control.stage(null) == stage);
        flips.add(new Flip(stage, System.nanoTime()));
        log("stage " + stage);
    }

    private void printStaleReads(List<Traffic.StaleRead> stale) {
        for (Traffic.StaleRead s : stale) {
            Flip last = null;
            for (Flip f : flips) {
                if (f.seenAt() <= s.atNanos()) {
                    last = f;
                }
            }
            log("stale read of own key " + s.id()
                    + (last == null ? "" : " " + (s.atNanos() - last.seenAt()) / 1_000_000 + " ms into " + last.stage())
                    + ": expected " + s.expected() + ", got " + s.got());
        }
    }

    private static void log(String line) {
        System.out.printf("[e2e %6d ms] %s%n", (System.nanoTime() - STARTED) / 1_000_000, line);
    }
}
