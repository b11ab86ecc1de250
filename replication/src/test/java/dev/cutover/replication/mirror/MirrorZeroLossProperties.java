package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.Gap;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorFailure;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.Repair;
import dev.cutover.testsupport.Chaos;
import dev.cutover.testsupport.LongRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

/**
 * Nothing unrecorded, under overload and every fault: a chaos property over the mirror, the twin
 * of {@code ZeroLossProperties} for the dual-write proxy.
 *
 * <p>Each try runs 2 to 6 observer threads calling {@link Mirror#observe} as fast as they can:
 * upserts and deletes over a small key space, versions from one shared counter (so they increase
 * per key), and some duplicates and out-of-order redeliveries of earlier events. Each event is
 * applied to the model (the authoritative old store) before it is observed, as the application
 * writes its store before its listeners run. The target ({@link ScriptedTarget}) absorbs a fraction
 * of that, throws mid-batch, refuses batches, stalls, and goes down for a period; the queue is
 * tiny and {@code maxBlock} short, so changes are dropped all the time; the bound on keys waiting
 * for the journal is sometimes tiny, so OVERFLOW gaps open. The journal is in memory, on embedded
 * PostgreSQL, or on PostgreSQL and down whenever the target is (a journal on the failing server).
 *
 * <ul>
 *   <li>no {@code observe} takes longer than {@code maxBlock} plus {@link #SLACK}: recording a drop
 *       never waits for the journal;
 *   <li>once quiet, every key whose target row differs from the model's latest (version, payload
 *       or tombstone) had its latest version recorded as not applied, and is pending in the journal
 *       or was observed before the end of a recorded open OVERFLOW gap; every change recorded as
 *       not applied whose key is not pending lies inside one; the journal holds one entry per key
 *       at most;
 *   <li>a repair from the journal, plus a full reconciliation and a repair from its report where a
 *       gap is open, leaves the target equal to the model, closes every gap and resolves every
 *       entry; the mirror then closes cleanly and removes its run record.
 * </ul>
 *
 * <p>Tries: 40 with the journal in memory, 20 on PostgreSQL, 18 down with the target: 78. With
 * {@code -Dcutover.long=true}, 780 more over the three journals; {@code
 * -Dcutover.chaos.millis=3000} (default 120) runs each try's traffic for longer.
 */
class MirrorZeroLossProperties {
    private static final String NAME = "chaos";
    private static final long TRAFFIC_MILLIS = Long.getLong("cutover.chaos.millis", 120);
    /** What a loaded 2-core machine may add to {@code maxBlock} in one observe call. */
    private static final Duration SLACK = Duration.ofMillis(500);
    /** {@code to} and {@code from} of a gap on PostgreSQL are kept to the millisecond. */
    private static final Duration STORED = Duration.ofMillis(1);

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The mirror's settings and the traffic's shape. */
    record Load(
            int observers,
            int keys,
            int queue,
            int maxBlockMillis,
            int workers,
            int batchSize,
            int attempts,
            int pendingKeysBound) {}

    /** What goes wrong, and the run record's heartbeat. */
    record Faults(
            double throwRate, double refuseRate, double stallRate, long downFrom, long downFor, int heartbeatMillis) {}

    record Try(Load load, Faults faults) {}

    @Provide
    Arbitrary<Try> chaos() {
        Arbitrary<Load> load = Combinators.combine(
                        Arbitraries.integers().between(2, 6),
                        Arbitraries.integers().between(3, 40),
                        Arbitraries.integers().between(1, 8),
                        Arbitraries.integers().between(0, 10),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 16),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.oneOf(Arbitraries.integers().between(1, 4), Arbitraries.just(1_000_000)))
                .as(Load::new);
        Arbitrary<Faults> faults = Combinators.combine(
                        Arbitraries.doubles().between(0, 0.2),
                        Arbitraries.doubles().between(0, 0.05),
                        Arbitraries.doubles().between(0, 0.05),
                        Arbitraries.longs().between(0, TRAFFIC_MILLIS / 2),
                        Arbitraries.longs().between(0, TRAFFIC_MILLIS / 2),
                        Arbitraries.integers().between(100, 300))
                .as(Faults::new);
        return Combinators.combine(load, faults).as(Try::new);
    }

    @Property(tries = 40)
    void nothingUnrecordedWithTheJournalInMemory(@ForAll("chaos") Try chaos) throws Exception {
        run(chaos, Chaos.Journal.MEMORY);
    }

    @Property(tries = 20)
    void nothingUnrecordedWithTheJournalOnPostgres(@ForAll("chaos") Try chaos) throws Exception {
        run(chaos, Chaos.Journal.POSTGRES);
    }

    @Property(tries = 18)
    void nothingUnrecordedWithTheJournalDownWithTheTarget(@ForAll("chaos") Try chaos) throws Exception {
        run(chaos, Chaos.Journal.POSTGRES_DOWN_WITH_STORE);
    }

    /** The long variant of all three, ten times the tries ({@code -Dcutover.long=true}). */
    @Property(tries = 780)
    @Tag(LongRuns.TAG)
    void nothingUnrecordedInTheLongRun(@ForAll("chaos") Try chaos, @ForAll Chaos.Journal kind) throws Exception {
        run(chaos, kind);
    }

    /** The newest version of a key observed so far, and when it was first observed. */
    private record Seen(long version, Instant at) {}

    private void run(Try chaos, Chaos.Journal kind) throws Exception {
        Load load = chaos.load();
        Faults faults = chaos.faults();
        ScriptedTarget target =
                ScriptedTarget.atRandom(faults.throwRate(), faults.refuseRate(), faults.stallRate(), 300, 40);
        FailedWriteJournal journal = Chaos.journal(kind, target.down);
        Queue<MirrorFailure> failures = new ConcurrentLinkedQueue<>();
        Duration maxBlock = Duration.ofMillis(load.maxBlockMillis());
        Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .name(NAME)
                .queue(load.queue())
                .maxBlock(maxBlock)
                .workers(load.workers())
                .batchSize(load.batchSize())
                .linger(Duration.ofMillis(1))
                .retry(load.attempts(), Duration.ofMillis(2))
                .onFailure(failures::add)
                .journal(journal)
                .pendingKeysBound(load.pendingKeysBound())
                .runHeartbeat(Duration.ofMillis(faults.heartbeatMillis()))
                .build();
        InMemoryVersionedTarget model = new InMemoryVersionedTarget();
        Map<String, Seen> seen = new ConcurrentHashMap<>();
        Queue<String> slowObserves = new ConcurrentLinkedQueue<>();
        boolean closed = false;
        try {
            traffic(load, faults, mirror, target, model, seen, slowObserves, maxBlock.plus(SLACK));
            assertThat(slowObserves)
                    .as("observe calls longer than maxBlock %s + %s", maxBlock, SLACK)
                    .isEmpty();
            assertThat(mirror.awaitQuiet(WAIT)).as("quiet").isTrue();
            Set<String> pending = new HashSet<>();
            Set<String> inGapsOnly = new HashSet<>();
            checkRecorded(journal, model, target, seen, failures, pending, inGapsOnly);

            // repair with the product's API: the journal's keys, then a full reconciliation where a gap is open
            target.calm.set(true);
            RepairResult fromJournal = Repair.fromJournal(journal)
                    .direction(Repair.Direction.OLD_TO_NEW)
                    .authority(model::read)
                    .apply(target);
            assertThat(fromJournal.failed())
                    .as("journal repair: %s", fromJournal)
                    .isZero();
            if (!journal.openGaps(Instant.now()).isEmpty()) {
                ReconciliationReport report = Reconciler.between(model, target)
                        .recheck(model::read)
                        .recheckAfter(Duration.ZERO)
                        .run();
                RepairResult fromReport = Repair.from(report)
                        .journal(journal)
                        .direction(Repair.Direction.OLD_TO_NEW)
                        .authority(model::read)
                        .apply(target);
                assertThat(fromReport.failed())
                        .as("report repair: %s", fromReport)
                        .isZero();
            }
            for (String key : seen.keySet()) {
                Optional<Change> want = model.read(key);
                Optional<Change> got = target.read(key);
                if (want.orElseThrow().isDelete() && inGapsOnly.contains(key)) {
                    // only the reconciliation repaired this key, and it compares content: a tombstone and an
                    // absent key agree, whatever the tombstone's version (Reconciler's Javadoc), so an older
                    // tombstone stays
                    assertThat(got.filter(c -> !c.isDelete()))
                            .as("no live row for deleted %s after repair", key)
                            .isEmpty();
                } else {
                    assertThat(got).as("no drift for %s after repair", key).isEqualTo(want);
                }
            }
            assertThat(journal.openGaps(Instant.now()))
                    .as("repair closed every gap")
                    .isEmpty();
            assertThat(journal.pendingCount()).as("repair resolved every entry").isZero();

            closed = true;
            assertThat(mirror.close(Duration.ofSeconds(10)))
                    .as("closed cleanly")
                    .isTrue();
            assertThat(journal.gaps())
                    .as("no run record left after a clean close")
                    .noneMatch(g -> g.kind() == Gap.Kind.RUN);
        } finally {
            target.down.set(false);
            if (!closed) {
                mirror.close(Duration.ofSeconds(10));
            }
        }
    }

    /** Runs the observers and the outage; returns once all of them are done. */
    private static void traffic(
            Load load,
            Faults faults,
            Mirror<TestEvent> mirror,
            ScriptedTarget target,
            InMemoryVersionedTarget model,
            Map<String, Seen> seen,
            Queue<String> slowObserves,
            Duration limit)
            throws InterruptedException {
        AtomicLong versions = new AtomicLong();
        AtomicReferenceArray<TestEvent> recent = new AtomicReferenceArray<>(64);
        long end = System.nanoTime() + Duration.ofMillis(TRAFFIC_MILLIS).toNanos();
        Chaos schedule = new Chaos();
        schedule.outage(target.down, faults.downFrom(), faults.downFor());
        List<Thread> threads = Chaos.started(load.observers(), o -> {
            String name = "o" + o;
            {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int n = 0; System.nanoTime() < end; n++) {
                    TestEvent event;
                    int r = random.nextInt(100);
                    TestEvent earlier = recent.get(random.nextInt(recent.length()));
                    if (r < 10 && earlier != null) {
                        event = earlier; // a redelivery, out of order
                    } else {
                        String key = "k" + random.nextInt(load.keys());
                        long version = versions.incrementAndGet();
                        event = r < 30
                                ? TestEvent.delete(key, version)
                                : TestEvent.upsert(key, version, name + "-" + n);
                        model.apply(List.of(event.toChange()));
                        recent.set(random.nextInt(recent.length()), event);
                    }
                    Instant before = Instant.now();
                    seen.merge(
                            event.key(),
                            new Seen(event.sequence(), before),
                            (a, b) -> a.version() >= b.version() ? a : b);
                    for (int times = r >= 95 ? 2 : 1; times > 0; times--) { // some duplicates, back to back
                        long started = System.nanoTime();
                        mirror.observe(event);
                        long took = System.nanoTime() - started;
                        if (took > limit.toNanos()) {
                            slowObserves.add(
                                    event.key() + " v" + event.sequence() + " took " + took / 1_000_000 + " ms");
                        }
                    }
                }
            }
        });
        for (Thread t : threads) {
            t.join();
        }
        schedule.close();
        target.down.set(false);
    }

    /**
     * Checks that whatever was not applied is recorded: by key in the journal, or inside an open
     * gap. Fills {@code pending} with the keys pending in the journal, {@code inGapsOnly} with the
     * keys that differ and are covered by a gap only.
     */
    private static void checkRecorded(
            FailedWriteJournal journal,
            InMemoryVersionedTarget model,
            ScriptedTarget target,
            Map<String, Seen> seen,
            Collection<MirrorFailure> failures,
            Set<String> pending,
            Set<String> inGapsOnly)
            throws Exception {
        List<JournalEntry> entries = journal.pending(0, Integer.MAX_VALUE);
        for (JournalEntry e : entries) {
            assertThat(e.write().repository()).isEqualTo(NAME);
            assertThat(e.write().target()).isEqualTo(FailedWrite.Target.NEW);
            assertThat(e.write().entityKey()).isNotNull();
            assertThat(pending.add(e.write().entityKey()))
                    .as("one entry per key: %s", e.write().entityKey())
                    .isTrue();
        }
        assertThat(entries.size())
                .as("journal entries never exceed distinct keys")
                .isLessThanOrEqualTo(seen.size());
        // the mirror lives through the try, so its own run record covers nothing: a key it did not
        // keep is covered by an OVERFLOW gap (a live run's record may still lapse on a starved machine)
        List<Gap> gaps = journal.openGaps(Instant.now()).stream()
                .filter(g -> g.kind() != Gap.Kind.RUN)
                .toList();
        Statistics.label("open gaps").collect(!gaps.isEmpty());
        Map<String, List<MirrorFailure>> failed = new ConcurrentHashMap<>();
        for (MirrorFailure f : failures) {
            assertThat(f.key()).as("every failure names its key: %s", f).isNotNull();
            failed.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f);
            if (!pending.contains(f.key())) {
                assertThat(gaps)
                        .as(
                                "%s v%s was not applied (%s at %s) and is not journaled: a gap must cover it",
                                f.key(), f.version(), f.reason(), f.at())
                        .anySatisfy(g -> {
                            assertThat(g.from()).isBeforeOrEqualTo(f.at().plus(SLACK));
                            assertThat(g.to()).isAfterOrEqualTo(f.at().minus(STORED));
                        });
            }
        }
        for (Map.Entry<String, Seen> s : seen.entrySet()) {
            String key = s.getKey();
            Optional<Change> want = model.read(key);
            Optional<Change> got = target.read(key);
            if (got.equals(want)) {
                continue;
            }
            long latest = want.orElseThrow().version();
            assertThat(s.getValue().version()).isEqualTo(latest);
            assertThat(failed.getOrDefault(key, List.of()))
                    .as(
                            "%s differs (model %s, target %s): its latest version was" + " recorded as not applied",
                            key, want, got)
                    .anyMatch(f -> f.version() == latest);
            if (!pending.contains(key)) {
                assertThat(gaps)
                        .as(
                                "%s differs (model %s, target %s) and is not journaled: a gap must cover it",
                                key, want, got)
                        .anySatisfy(g -> assertThat(g.to())
                                .isAfterOrEqualTo(s.getValue().at().minus(STORED)));
                inGapsOnly.add(key);
            }
        }
        Statistics.label("keys journaled").collect(!pending.isEmpty());
        Statistics.label("open gaps").coverage(check -> check.check(true).percentage(p -> p >= 10));
        Statistics.label("keys journaled").coverage(check -> check.check(true).percentage(p -> p >= 50));
    }
}
