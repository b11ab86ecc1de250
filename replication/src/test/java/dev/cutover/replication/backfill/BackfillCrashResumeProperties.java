package dev.cutover.replication.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillException;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.testsupport.MutableClock;
import dev.cutover.testsupport.SharedDatabases;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * A backfill killed at random points and run again ends with the target equal to the source, each
 * source row applied exactly once in effect, every segment marked done exactly once, and at most
 * two pages per worker read again per kill (the page being applied and the one read ahead). A kill is a {@link CrashSwitch} firing at the n-th
 * claim, checkpoint save, done mark or apply of the process, before or after its effect; the next
 * process is the same owner restarted (taking its segments back at once) or another owner that
 * takes them over once the lease expired.
 */
class BackfillCrashResumeProperties {
    private static final Duration LEASE = Duration.ofSeconds(10);

    /** One generated history of kills. */
    record Scenario(
            List<Change> rows,
            int segments,
            int workers,
            int batchSize,
            List<Integer> killPoints,
            boolean afterEffect,
            boolean sameOwner) {}

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Combinators.combine(
                        Rows.rows(60),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 7),
                        Arbitraries.integers()
                                .between(1, 30)
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(3),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as(Scenario::new);
    }

    @Property(tries = 150)
    void inMemoryCheckpoints(@ForAll("scenarios") Scenario scenario) throws Exception {
        killAndResume(scenario, InMemoryCheckpointStore::new);
    }

    @Property(tries = 40)
    void h2Checkpoints(@ForAll("scenarios") Scenario scenario) throws Exception {
        killAndResume(
                scenario,
                clock -> JdbcCheckpointStore.builder(SharedDatabases.h2(), SharedDatabases.uniqueName("crash"))
                        .clock(clock)
                        .build());
    }

    @Property(tries = 25)
    void postgresCheckpoints(@ForAll("scenarios") Scenario scenario) throws Exception {
        killAndResume(
                scenario,
                clock -> JdbcCheckpointStore.builder(SharedDatabases.postgres(), SharedDatabases.uniqueName("crash"))
                        .clock(clock)
                        .build());
    }

    private static void killAndResume(Scenario s, Function<Clock, CheckpointStore> stores) throws Exception {
        MutableClock clock = new MutableClock();
        CheckpointStore store = stores.apply(clock);
        InMemoryVersionedTarget oldStore = Rows.source(s.segments(), s.rows());
        CountingSource source = new CountingSource(oldStore);
        InMemoryVersionedTarget target = new InMemoryVersionedTarget();
        AtomicLong applied = new AtomicLong();
        ConcurrentHashMap<Integer, AtomicInteger> doneMarks = new ConcurrentHashMap<>();
        int process = 0;
        int kills = 0;
        for (int killAt : s.killPoints()) {
            CrashSwitch crash = new CrashSwitch(killAt, s.afterEffect());
            Backfill backfill = backfill(
                    s,
                    source,
                    new FaultyTarget(target, crash, applied, null),
                    new CrashingCheckpointStore(store, crash, doneMarks),
                    s.sameOwner() ? "process" : "process-" + process++);
            try {
                BackfillResult result = backfill.run();
                assertThat(crash.fired()).as("not killed, so completed").isFalse();
                assertThat(result.status()).isEqualTo(BackfillResult.Status.COMPLETED);
            } catch (BackfillException e) {
                assertThat(crash.fired()).as("failed only by the kill: %s", e).isTrue();
                assertThat(e.getCause()).isInstanceOf(SimulatedCrash.class);
                kills++;
                for (Change c : target.all()) {
                    assertThat(oldStore.read(c.key()))
                            .as("target row %s comes from the source", c)
                            .contains(c);
                }
                if (!s.sameOwner()) {
                    clock.advance(LEASE.plusMillis(1)); // the dead owner's leases expire
                }
            }
        }
        BackfillResult last = backfill(
                        s,
                        source,
                        new FaultyTarget(target, CrashSwitch.NEVER, applied, null),
                        new CrashingCheckpointStore(store, CrashSwitch.NEVER, doneMarks),
                        s.sameOwner() ? "process" : "process-last")
                .run();

        assertThat(last.status()).isEqualTo(BackfillResult.Status.COMPLETED);
        Rows.assertSameRows(target, oldStore);
        assertThat(applied.get())
                .as("rows applied in effect, over all processes")
                .isEqualTo(s.rows().size());
        List<Checkpoint> checkpoints = store.checkpoints();
        assertThat(checkpoints).hasSize(s.segments()).allMatch(Checkpoint::done);
        assertThat(checkpoints.stream().mapToLong(Checkpoint::rows).sum())
                .as("rows counted in checkpoints")
                .isEqualTo(s.rows().size());
        for (int segment = 0; segment < s.segments(); segment++) {
            assertThat(doneMarks.get(segment))
                    .as("done marks of segment %d", segment)
                    .hasValue(1);
        }
        Statistics.label("kills that struck").collect(kills);
        assertThat(source.rowsRead.get())
                .as("rows read, with %d kills", kills)
                .isLessThanOrEqualTo(s.rows().size() + 2L * kills * s.workers() * s.batchSize());
    }

    private static Backfill backfill(
            Scenario s, CountingSource source, FaultyTarget target, CheckpointStore checkpoints, String owner) {
        return Backfill.from(source)
                .to(target)
                .name("crash")
                .workers(s.workers())
                .batchSize(s.batchSize())
                .checkpoints(checkpoints)
                .owner(owner)
                .lease(LEASE)
                .build();
    }
}
