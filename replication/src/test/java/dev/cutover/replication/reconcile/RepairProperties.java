package dev.cutover.replication.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.Repair;
import dev.cutover.replication.integration.RealStores;
import dev.cutover.replication.integration.RealStores.ScopedTarget;
import dev.cutover.replication.integration.RealStores.Store;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;

/**
 * Repair into a {@link dev.cutover.replication.jdbc.JdbcVersionedTarget} on PostgreSQL and
 * MariaDB: it never overwrites a newer write, not even one landing while it runs, and after it
 * reconciliation finds nothing (except where the new store holds newer versions, which it must
 * keep).
 */
class RepairProperties {
    private static final Duration NO_DELAY = Duration.ZERO;

    /**
     * Per key: the old state (0 absent, 1 tombstone, 2-4 live with content variant) and how the
     * new store drifted from it (0 same, 1 missing, 2 older and different, 3 extra, 4 older
     * tombstone, 5 newer and different). Plus live writes that land on old, then new, during the
     * repair.
     */
    record Scenario(List<int[]> keys, List<int[]> liveWrites) {
        static String key(int k) {
            return "k" + k + (k % 4 == 0 ? "/ẞ" : "");
        }

        static long oldVersion(int k) {
            return 1_000 + 10L * k;
        }

        /** Fills both stores; returns the keys where new holds a newer version than old. */
        Set<String> fill(InMemoryVersionedTarget old, VersionedTarget neu, boolean newerInNew) throws Exception {
            List<Change> oldRows = new ArrayList<>();
            List<Change> newRows = new ArrayList<>();
            Set<String> newer = new TreeSet<>();
            for (int k = 0; k < keys.size(); k++) {
                int state = keys.get(k)[0];
                int drift = keys.get(k)[1];
                String key = key(k);
                long v = oldVersion(k);
                Change oldRow = state == 0
                        ? null
                        : state == 1 ? Change.delete(key, v) : Change.upsert(key, v, payload(state, k));
                if (oldRow != null) {
                    oldRows.add(oldRow);
                }
                boolean live = state >= 2;
                switch (drift) {
                    case 1 -> {}
                    case 2 -> newRows.add(live ? Change.upsert(key, v - 5, payload(9, k)) : Change.delete(key, v - 5));
                    case 3 -> newRows.add(live ? oldRow : Change.upsert(key, 1 + k, payload(7, k)));
                    case 4 -> newRows.add(live ? Change.delete(key, v - 3) : Change.upsert(key, v - 3, payload(8, k)));
                    case 5 -> {
                        if (newerInNew && oldRow != null) {
                            newRows.add(Change.upsert(key, v + 5, payload(6, k)));
                            newer.add(key);
                        } else if (oldRow != null) {
                            newRows.add(oldRow);
                        }
                    }
                    default -> {
                        if (oldRow != null) {
                            newRows.add(oldRow);
                        }
                    }
                }
            }
            old.apply(oldRows);
            neu.apply(newRows);
            return newer;
        }
    }

    static JsonNode payload(int variant, int k) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("variant", variant)
                .put("k", k)
                .put("city", "Nantes");
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<int[]> key = Combinators.combine(
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 5))
                .as((s, d) -> new int[] {s, d});
        Arbitrary<int[]> write = Combinators.combine(
                        Arbitraries.integers().between(0, 40),
                        Arbitraries.integers().between(0, 3))
                .as((k, kind) -> new int[] {k, kind});
        return Combinators.combine(
                        key.list().ofMinSize(1).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform()),
                        write.list().ofMaxSize(12).withSizeDistribution(RandomDistribution.uniform()))
                .as(Scenario::new);
    }

    @Property(tries = 30)
    void repairNeverOverwritesAWriteLandingMeanwhileOnPostgres(@ForAll("scenarios") Scenario s) throws Exception {
        repairNeverOverwritesAWriteLandingMeanwhileAndLeavesNothingToFind(s, Store.POSTGRES);
    }

    @Property(tries = 10)
    void repairNeverOverwritesAWriteLandingMeanwhileOnMariaDb(@ForAll("scenarios") Scenario s) throws Exception {
        repairNeverOverwritesAWriteLandingMeanwhileAndLeavesNothingToFind(s, Store.MARIADB);
    }

    @Property(tries = 20)
    void aNewerVersionInTheTargetIsKeptOnPostgres(@ForAll("scenarios") Scenario s) throws Exception {
        aNewerVersionInTheTargetIsKeptAndTheRestIsRepaired(s, Store.POSTGRES);
    }

    @Property(tries = 8)
    void aNewerVersionInTheTargetIsKeptOnMariaDb(@ForAll("scenarios") Scenario s) throws Exception {
        aNewerVersionInTheTargetIsKeptAndTheRestIsRepaired(s, Store.MARIADB);
    }

    private static ScopedTarget target(Store store) throws Exception {
        return RealStores.scopedTarget(store, "repair", b -> b.segments(2).batchSize(5));
    }

    private static void repairNeverOverwritesAWriteLandingMeanwhileAndLeavesNothingToFind(Scenario s, Store store)
            throws Exception {
        InMemoryVersionedTarget old = new InMemoryVersionedTarget();
        try (ScopedTarget scoped = target(store)) {
            VersionedTarget neu = scoped.target();
            s.fill(old, neu, false);
            ReconciliationReport report = reconcile(old, neu);
            Map<String, Change> landed = new HashMap<>();
            AtomicReference<Throwable> writerFailed = new AtomicReference<>();
            Thread writer = new Thread(
                    () -> {
                        try {
                            long version = 1_000_000;
                            for (int[] w : s.liveWrites()) {
                                String key = Scenario.key(w[0]);
                                Change c = w[1] == 0
                                        ? Change.delete(key, ++version)
                                        : Change.upsert(key, ++version, payload(20 + w[1], w[0]));
                                old.apply(List.of(c)); // the authoritative write first, as the proxy and the mirror do
                                neu.apply(List.of(c));
                                synchronized (landed) {
                                    landed.put(key, c);
                                }
                            }
                        } catch (Throwable t) {
                            writerFailed.set(t);
                        }
                    },
                    "live-writes");
            writer.start();
            RepairResult result = Repair.from(report)
                    .direction(Repair.Direction.OLD_TO_NEW)
                    .authority(old::read)
                    .batchSize(7)
                    .apply(neu);
            writer.join(30_000);
            assertThat(writerFailed.get()).isNull();
            assertThat(result.failed()).isZero();
            for (Change w : landed.values()) {
                Change stored = neu.read(w.key()).orElseThrow();
                assertThat(stored.version())
                        .as("stored version of %s after a live write", w.key())
                        .isGreaterThanOrEqualTo(w.version());
            }
            ReconciliationReport after = reconcile(old, neu);
            assertThat(after.clean())
                    .as("after repair %s of %s: %s", result, report, after)
                    .isTrue();
        }
    }

    private static void aNewerVersionInTheTargetIsKeptAndTheRestIsRepaired(Scenario s, Store store) throws Exception {
        InMemoryVersionedTarget old = new InMemoryVersionedTarget();
        try (ScopedTarget scoped = target(store)) {
            VersionedTarget neu = scoped.target();
            Set<String> newer = s.fill(old, neu, true);
            Map<String, Optional<Change>> before = new HashMap<>();
            for (String key : newer) {
                before.put(key, neu.read(key));
            }
            RepairResult result = Repair.from(reconcile(old, neu))
                    .direction(Repair.Direction.OLD_TO_NEW)
                    .authority(old::read)
                    .apply(neu);
            for (String key : newer) {
                assertThat(neu.read(key)).as("newer write of %s", key).isEqualTo(before.get(key));
            }
            assertThat(result.keptNewer()).isEqualTo(newer.size());
            assertThat(new TreeSet<>(result.keptNewerKeys())).isEqualTo(newer);
            ReconciliationReport after = reconcile(old, neu);
            Set<String> stillReported = new TreeSet<>();
            after.different().forEach(d -> stillReported.add(d.key()));
            after.extraInNew().forEach(d -> stillReported.add(d.key()));
            assertThat(stillReported).isEqualTo(newer);
            assertThat(after.missingInNew()).isEmpty();
        }
    }

    private static ReconciliationReport reconcile(InMemoryVersionedTarget old, VersionedTarget neu) throws Exception {
        return Reconciler.between(old, neu)
                .buckets(16)
                .recheck(old::read)
                .recheckAfter(NO_DELAY)
                .run();
    }
}
