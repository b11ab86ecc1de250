package dev.cutover.replication.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.MirrorCounts;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.integration.RealStores;
import dev.cutover.replication.jdbc.JdbcVersionedTarget;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.lifecycle.AfterTry;

/**
 * Convergence through the observer: any history of creates, edits and deletes, delivered permuted
 * and duplicated by several application threads through the mirror's queue and workers, leaves the
 * new store equal to the old one once quiet, as the reconciler sees it.
 */
class MirrorConvergenceProperties {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<String> tables = new ArrayList<>();

    /** A history and how it is delivered: threads, workers and batch size of the mirror. */
    record Run(List<TestEvent> made, long seed, int observers, int workers, int batchSize) {
        /** Every event, a fifth of them twice or three times, shuffled. */
        List<TestEvent> delivered() {
            Random random = new Random(seed);
            List<TestEvent> out = new ArrayList<>(made);
            for (TestEvent e : made) {
                for (int extra = random.nextInt(10) == 0 ? 2 : random.nextInt(8) == 0 ? 1 : 0; extra > 0; extra--) {
                    out.add(e);
                }
            }
            Collections.shuffle(out, random);
            return out;
        }

        /** The old store once everything happened: the last event of every key. */
        InMemoryVersionedTarget finalState() {
            Map<String, TestEvent> last = new HashMap<>();
            made.forEach(e -> last.merge(e.key(), e, (a, b) -> a.sequence() >= b.sequence() ? a : b));
            InMemoryVersionedTarget old = new InMemoryVersionedTarget();
            old.apply(last.values().stream().map(TestEvent::toChange).toList());
            return old;
        }
    }

    @Provide
    Arbitrary<Run> runs() {
        Arbitrary<int[]> op = Combinators.combine(
                        Arbitraries.integers().between(0, 24),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(1, 3))
                .as((k, d, step) -> new int[] {k, d, step});
        Arbitrary<List<int[]>> histories =
                op.list().ofMinSize(1).ofMaxSize(300).withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(
                        histories,
                        Arbitraries.longs(),
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.of(1, 7, 50, 500))
                .as((ops, seed, observers, workers, batch) -> {
                    List<TestEvent> made = new ArrayList<>();
                    long sequence = 0;
                    for (int[] o : ops) {
                        sequence += o[2];
                        String key = "order-" + o[0] + (o[0] % 3 == 0 ? " ü/é" : "");
                        made.add(
                                o[1] == 0
                                        ? TestEvent.delete(key, sequence)
                                        : TestEvent.upsert(key, sequence, "n" + sequence));
                    }
                    return new Run(made, seed, observers, workers, batch);
                });
    }

    @Property(tries = 30)
    void anyHistoryThroughTheMirrorConvergesOnPostgres(@ForAll("runs") Run run) throws Exception {
        JdbcVersionedTarget target = RealStores.freshTarget(
                RealStores.Store.POSTGRES,
                "mirror_converge",
                b -> b.segments(2).batchSize(Math.max(1, run.batchSize() / 3)));
        tables.add(target.table());
        assertConverges(run, target);
    }

    @Property(tries = 100)
    void anyHistoryThroughTheMirrorConvergesInMemory(@ForAll("runs") Run run) throws Exception {
        assertConverges(run, new InMemoryVersionedTarget());
    }

    private static void assertConverges(Run run, VersionedTarget target) throws Exception {
        List<TestEvent> delivered = run.delivered();
        try (Mirror<TestEvent> mirror = Mirror.to(target)
                .mapping(TestEvent::toChanges)
                .workers(run.workers())
                .batchSize(run.batchSize())
                .linger(Duration.ZERO)
                .queue(64)
                .build()) {
            Consumer<TestEvent> listener = mirror.tap(e -> {});
            List<Thread> observers = new ArrayList<>();
            for (int t = 0; t < run.observers(); t++) {
                int slice = t;
                observers.add(new Thread(
                        () -> {
                            for (int i = slice; i < delivered.size(); i += run.observers()) {
                                listener.accept(delivered.get(i));
                            }
                        },
                        "observer-" + t));
            }
            observers.forEach(Thread::start);
            for (Thread t : observers) {
                t.join(WAIT.toMillis());
            }
            assertThat(mirror.awaitQuiet(WAIT)).isTrue();
            MirrorCounts counts = mirror.counts();
            assertThat(counts.mirrored()).isEqualTo(delivered.size());
            assertThat(counts.dropped() + counts.failed()).isZero();
            assertThat(counts.applied() + counts.superseded() + counts.duplicate())
                    .isEqualTo(delivered.size());
        }
        ReconciliationReport report = Reconciler.between(run.finalState(), target)
                .buckets(8)
                .recheckAfter(Duration.ZERO)
                .run();
        assertThat(report.clean()).as("%s", report).isTrue();
        assertThat(report.counts().oldRows()).isEqualTo(report.counts().newRows());
    }

    @AfterTry
    void dropTables() throws Exception {
        for (String table : tables) {
            RealStores.drop(RealStores.Store.POSTGRES, table);
        }
        tables.clear();
    }
}
