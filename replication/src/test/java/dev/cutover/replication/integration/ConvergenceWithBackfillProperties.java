package dev.cutover.replication.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillException;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.Repair;
import dev.cutover.replication.integration.RealStores.Store;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcSource;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;

/**
 * Convergence of the parts together, on real stores: an old table on PostgreSQL or MariaDB takes a
 * random history of creates, edits and deletes; its events reach a {@link Mirror} into a {@link
 * JdbcVersionedTarget} out of order and duplicated, those of the first phase mostly lost (the
 * mirror's gate was still off); a {@link Backfill} from a {@link JdbcSource} over the old table,
 * with a {@link JdbcCheckpointStore}, copies it while the application keeps writing between its
 * pages, is killed at random points and resumed. Once quiet:
 *
 * <ul>
 *   <li>every key holds exactly what the model says: the last write of the key, live or a tombstone
 *       (no resurrection), unless that last write was a delete whose event was lost: then the newest
 *       event the mirror took (a lost delete is the one thing only a repair can make up for);
 *   <li>{@code Reconciler.between(JdbcSource(old), target)} reports exactly those keys as extra in
 *       new, and nothing else; applying again every event the mirror took changes nothing;
 *   <li>the {@link Repair} of that report deletes exactly those keys, and reconciliation then finds
 *       nothing;
 *   <li>all along, stored versions never decreased (a watcher read every key over and over), and no
 *       change took effect twice over the mirror and all backfill processes.
 * </ul>
 */
class ConvergenceWithBackfillProperties {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration LEASE = Duration.ofSeconds(10);

    /**
     * The history, how many of its writes happen before the backfill (the gate off), and how events
     * travel: the percentages held back (out of order) and duplicated, and the delivery's seed.
     */
    record Plan(List<Write> history, int before, int holdPercent, int duplicatePercent, long seed) {}

    /**
     * How the parts are set up: segments, workers and pages of the backfill, the application's writes
     * after each page it reads, the mirror's workers and batches, the target's statements; and the
     * kills of backfill processes.
     */
    record Setup(
            int sourceSegments,
            int backfillWorkers,
            int backfillBatch,
            int writesPerPage,
            int mirrorWorkers,
            int mirrorBatch,
            int targetBatch,
            List<Kill> kills) {}

    /**
     * One backfill process killed at its {@code call}-th call with an effect, before or after the
     * effect; the process that resumes is the same owner restarted, or another one after the lease.
     */
    record Kill(int call, boolean afterEffect, boolean sameOwner) {}

    @Provide
    Arbitrary<Plan> plans() {
        Arbitrary<int[]> op = Combinators.combine(
                        Arbitraries.integers().between(0, 99),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 999))
                .as((k, kind, n) -> new int[] {k, kind, n});
        Arbitrary<List<int[]>> ops =
                op.list().ofMinSize(1).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(
                        ops,
                        Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(0, 100),
                        Arbitraries.integers().between(0, 60),
                        Arbitraries.integers().between(0, 40),
                        Arbitraries.longs())
                .as((o, keys, beforePercent, hold, duplicate, seed) -> {
                    int before = o.size() * beforePercent / 100;
                    List<int[]> keyed = new ArrayList<>();
                    for (int i = 0; i < o.size(); i++) {
                        // later writes touch half the keys: the others' last writes come before the gate opens
                        int k = i < before ? o.get(i)[0] % keys : o.get(i)[0] % Math.max(1, keys / 2);
                        keyed.add(new int[] {k, o.get(i)[1], o.get(i)[2]});
                    }
                    return new Plan(Write.history(keyed), before, hold, duplicate, seed);
                });
    }

    @Provide
    Arbitrary<Setup> setups() {
        Arbitrary<Kill> kill = Combinators.combine(
                        Arbitraries.integers().between(1, 6), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(Kill::new);
        return Combinators.combine(
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.of(1, 4, 32),
                        Arbitraries.of(1, 3, 100),
                        kill.list().ofMaxSize(2).withSizeDistribution(RandomDistribution.uniform()))
                .as(Setup::new);
    }

    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void mirrorAndKilledBackfillConvergeOnPostgres(@ForAll("plans") Plan plan, @ForAll("setups") Setup setup)
            throws Exception {
        converge(Store.POSTGRES, plan, setup);
    }

    @Property(tries = 20, edgeCases = EdgeCasesMode.NONE)
    void mirrorAndKilledBackfillConvergeOnMariaDb(@ForAll("plans") Plan plan, @ForAll("setups") Setup setup)
            throws Exception {
        converge(Store.MARIADB, plan, setup);
    }

    private static void converge(Store store, Plan plan, Setup setup) throws Exception {
        OldJdbcTable old = OldJdbcTable.create(store);
        JdbcVersionedTarget jdbcTarget =
                RealStores.freshTarget(store, "new_orders", b -> b.segments(2).batchSize(setup.targetBatch()));
        RecordingTarget target = new RecordingTarget(jdbcTarget);
        MutableClock clock = new MutableClock();
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.builder(
                        RealStores.pool(store), RealStores.uniqueName("itest"))
                .clock(clock)
                .build();
        Set<String> keys = new TreeSet<>();
        plan.history().forEach(w -> keys.add(w.key()));
        AtomicBoolean gate = new AtomicBoolean();
        Delivery delivery;
        BackfillResult last;
        MirrorCounts counts;
        List<String> versionsDecreased;
        int kills = 0;
        long backfilled = 0;
        int writesDuringBackfill;
        try (Mirror<Write> mirror = Mirror.to(target)
                .mapping(Write::changes)
                .name("itest")
                .gate(gate::get)
                .workers(setup.mirrorWorkers())
                .batchSize(setup.mirrorBatch())
                .queue(16)
                .linger(Duration.ZERO)
                .maxBlock(WAIT)
                .retry(3, Duration.ofMillis(10))
                .build()) {
            delivery = new Delivery(
                    plan.seed(), mirror.tap(w -> {}), gate::get, plan.holdPercent(), plan.duplicatePercent());
            Application app = new Application(plan.history(), old, delivery);
            app.write(plan.before()); // the first phase: the gate is off, events handed over now are lost
            gate.set(true); // then the gate opens, and the backfill starts
            try (VersionWatch watch = new VersionWatch(jdbcTarget, keys)) {
                JdbcSource source = old.source(setup.sourceSegments());
                String owner = "process-0";
                for (Kill kill : setup.kills()) {
                    DyingProcess process = new DyingProcess(kill.call(), kill.afterEffect());
                    try {
                        BackfillResult result = backfill(process, source, app, target, checkpoints, owner, setup)
                                .run();
                        assertThat(process.killed())
                                .as("not killed, so completed")
                                .isFalse();
                        assertThat(result.status()).isEqualTo(BackfillResult.Status.COMPLETED);
                        backfilled += result.counts().applied();
                    } catch (BackfillException e) {
                        backfilled += e.result().counts().applied();
                        assertThat(process.killed())
                                .as("failed only by the kill: %s", e)
                                .isTrue();
                        assertThat(e.getCause()).isInstanceOf(DyingProcess.Killed.class);
                        kills++;
                        if (!kill.sameOwner()) {
                            owner = "process-" + kills; // another process takes over ...
                            clock.advance(LEASE.plusMillis(1)); // ... once the dead one's leases expired
                        }
                    }
                }
                last = backfill(
                                new DyingProcess(DyingProcess.NEVER, false),
                                source,
                                app,
                                target,
                                checkpoints,
                                owner,
                                setup)
                        .run();
                backfilled += last.counts().applied();
                writesDuringBackfill = app.written() - plan.before();
                app.writeRest();
                delivery.flush();
                assertThat(mirror.awaitQuiet(WAIT)).as("mirror quiet").isTrue();
                versionsDecreased = watch.stop();
            }
            counts = mirror.counts();
        }

        assertThat(last.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        assertThat(checkpoints.checkpoints()).hasSize(last.segmentsTotal()).allMatch(Checkpoint::done);
        assertThat(counts.dropped() + counts.failed() + counts.unmapped())
                .as("%s", counts)
                .isZero();
        assertThat(counts.skipped()).as("events lost while the gate was off").isEqualTo(delivery.skippedCopies());
        assertThat(counts.mirrored()).isEqualTo(delivery.mirroredCopies());
        assertThat(counts.applied() + counts.superseded() + counts.duplicate()).isEqualTo(counts.mirrored());
        assertThat(versionsDecreased).as("stored versions never decrease").isEmpty();
        assertThat(target.appliedMoreThanOnce())
                .as("changes that took effect twice")
                .isEmpty();

        Set<String> lostDeletes = ModelChecks.assertModelState(plan.history(), delivery, jdbcTarget);
        ReconciliationReport report = reconcile(old, target);
        assertThat(keys(report.extraInNew())).as("extra in new: %s", report).isEqualTo(lostDeletes);
        assertThat(report.missingInNew()).as("missing in new").isEmpty();
        assertThat(report.different()).as("different").isEmpty();
        assertThat(report.collisions()).isEmpty();
        assertThat(report.errors()).isEmpty();

        ModelChecks.assertIdempotent(delivery, target, jdbcTarget, keys, plan.seed());

        RepairResult repaired = Repair.from(report)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(target);
        assertThat(repaired.deleted()).as("%s", repaired).isEqualTo(lostDeletes.size());
        assertThat(repaired.upserted() + repaired.keptNewer() + repaired.failed() + repaired.skipped())
                .isZero();
        for (String key : lostDeletes) {
            assertThat(jdbcTarget.read(key))
                    .as("repaired %s", key)
                    .hasValueSatisfying(c -> assertThat(c.isDelete()).isTrue());
        }
        ReconciliationReport after = reconcile(old, target);
        assertThat(after.clean()).as("after %s: %s", repaired, after).isTrue();
        assertThat(after.counts().newRows()).isEqualTo(after.counts().oldRows());

        Statistics.label("kills that struck").collect(kills);
        Statistics.label("lost deletes repaired").collect(lostDeletes.isEmpty() ? "none" : "some");
        Statistics.label("rows the backfill applied").collect(backfilled > 0 ? "some" : "none");
        Statistics.label("writes between the backfill's pages").collect(writesDuringBackfill > 0 ? "some" : "none");
    }

    private static Backfill backfill(
            DyingProcess process,
            JdbcSource source,
            Application app,
            RecordingTarget target,
            CheckpointStore checkpoints,
            String owner,
            Setup setup) {
        return Backfill.from(process.source(source, app.writing(setup.writesPerPage())))
                .to(process.target(target))
                .name("itest")
                .workers(setup.backfillWorkers())
                .batchSize(setup.backfillBatch())
                .checkpoints(process.checkpoints(checkpoints))
                .owner(owner)
                .lease(LEASE)
                .build();
    }

    private static ReconciliationReport reconcile(OldJdbcTable old, RecordingTarget target) throws Exception {
        return Reconciler.between(old.source(3), target)
                .buckets(16)
                .pageSize(7)
                .recheck(old::read)
                .recheckAfter(Duration.ZERO)
                .run();
    }

    private static Set<String> keys(List<Discrepancy> discrepancies) {
        Set<String> out = new TreeSet<>();
        discrepancies.forEach(d -> out.add(d.key()));
        return out;
    }
}
