package dev.cutover.replication.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.compare.Comparison;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.integration.RealStores;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;

/**
 * The report is exactly the model's difference of the two stores: whatever the bucket count, the
 * page size, the memory bound and the order rows arrive in, missing, extra and different hold the
 * keys they should and no others. Rows equal up to field order and number form count as equal.
 */
class ReconcilerProperties {

    /**
     * Per key, the state on each side: 0 absent, 1 tombstone, 2.. live with content variant (state -
     * 2); variant 3 is variant 0 written differently (field order, 10.0 for 10), so equal to it.
     */
    record Case(List<int[]> states, int buckets, int pageSize, int maxRows, int segments, long seed) {
        List<Change> side(int which) {
            List<Change> rows = new ArrayList<>();
            for (int k = 0; k < states.size(); k++) {
                int state = states.get(k)[which];
                String key = "key-" + k + (k % 5 == 0 ? "/ß" : "");
                long version = 1 + k + which * 1000L;
                if (state == 1) {
                    rows.add(Change.delete(key, version));
                } else if (state >= 2) {
                    rows.add(Change.upsert(key, version, payload(state - 2)));
                }
            }
            return rows;
        }

        Set<String> keys(
                java.util.function.IntPredicate oldState,
                java.util.function.IntPredicate newState,
                boolean contentDiffers) {
            Set<String> out = new TreeSet<>();
            for (int k = 0; k < states.size(); k++) {
                int o = states.get(k)[0];
                int n = states.get(k)[1];
                boolean differs = o >= 2 && n >= 2 && canonicalVariant(o - 2) != canonicalVariant(n - 2);
                if (oldState.test(o) && newState.test(n) && (!contentDiffers || differs)) {
                    out.add("key-" + k + (k % 5 == 0 ? "/ß" : ""));
                }
            }
            return out;
        }
    }

    static int canonicalVariant(int variant) {
        return variant == 3 ? 0 : variant;
    }

    static JsonNode payload(int variant) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (variant == 3) {
            o.put("amount", 10.0);
            o.put("name", "v0");
            return o;
        }
        o.put("name", "v" + variant);
        o.put("amount", variant == 2 ? 11 : 10);
        return o;
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> pair = Combinators.combine(
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 5))
                .as((o, n) -> new int[] {o, n});
        Arbitrary<List<int[]>> keys =
                pair.list().ofMinSize(0).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(
                        keys,
                        Arbitraries.integers().between(1, 64),
                        Arbitraries.integers().between(1, 20),
                        Arbitraries.integers().between(1, 200),
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.longs())
                .as(Case::new);
    }

    @Property(tries = 200)
    void theReportIsTheModelsDifferenceInMemory(@ForAll("cases") Case c) throws Exception {
        InMemoryVersionedTarget old = new InMemoryVersionedTarget(c.segments(), Clock.systemUTC());
        old.apply(c.side(0));
        InMemoryVersionedTarget neu = new InMemoryVersionedTarget(5 - c.segments(), Clock.systemUTC());
        neu.apply(c.side(1));
        SegmentedSource oldSource = c.seed() % 2 == 0 ? old : Rows.shuffled(old, c.seed());
        check(c, Reconciler.between(oldSource, neu).recheck(old::read), old, neu);
    }

    @Property(tries = 25)
    void theReportIsTheModelsDifferenceAgainstPostgres(@ForAll("cases") Case c) throws Exception {
        InMemoryVersionedTarget old = new InMemoryVersionedTarget(c.segments(), Clock.systemUTC());
        old.apply(c.side(0));
        try (RealStores.ScopedTarget scoped =
                RealStores.scopedTarget(RealStores.Store.POSTGRES, "reconcile", b -> b.segments(c.segments()))) {
            VersionedTarget neu = scoped.target();
            neu.apply(c.side(1));
            Comparison comparison = Comparison.defaults(); // one hash key for redacted values
            ReconciliationReport scanned =
                    check(c, Reconciler.between(old, neu).comparison(comparison).recheck(old::read), old, neu);
            // the target scanned in one pass reports exactly what it reports read page by page
            ReconciliationReport paged = check(
                    c,
                    Reconciler.between(old, Rows.pagesOnly(neu))
                            .comparison(comparison)
                            .recheck(old::read, neu),
                    old,
                    neu);
            assertThat(SplitReconcilerProperties.withoutTimes(scanned))
                    .isEqualTo(SplitReconcilerProperties.withoutTimes(paged));
        }
    }

    private static ReconciliationReport check(
            Case c, Reconciler.Builder builder, VersionedTarget old, VersionedTarget neu) throws Exception {
        ReconciliationReport report = builder.buckets(c.buckets())
                .pageSize(c.pageSize())
                .maxRowsInMemory(c.maxRows())
                .recheckAfter(Duration.ZERO)
                .run();
        Set<String> missing = c.keys(o -> o >= 2, n -> n < 2, false);
        Set<String> extra = c.keys(o -> o < 2, n -> n >= 2, false);
        Set<String> different = c.keys(o -> o >= 2, n -> n >= 2, true);
        assertThat(keys(report.missingInNew())).as("missing in new").isEqualTo(missing);
        assertThat(keys(report.extraInNew())).as("extra in new").isEqualTo(extra);
        assertThat(keys(report.different())).as("different").isEqualTo(different);
        assertThat(report.counts().missingInNew()).isEqualTo(missing.size());
        assertThat(report.counts().extraInNew()).isEqualTo(extra.size());
        assertThat(report.counts().different()).isEqualTo(different.size());
        assertThat(report.counts().settledOnRecheck()).isZero();
        assertThat(report.collisions()).isEmpty();
        assertThat(report.errors()).isEmpty();
        assertThat(report.clean()).isEqualTo(missing.isEmpty() && extra.isEmpty() && different.isEmpty());
        assertThat(report.differingBuckets())
                .isLessThanOrEqualTo(Math.min(c.buckets(), missing.size() + extra.size() + different.size()));
        assertThat(report.counts().oldRows())
                .isEqualTo(c.keys(o -> o >= 2, n -> true, false).size());
        assertThat(report.counts().newRows())
                .isEqualTo(c.keys(o -> true, n -> n >= 2, false).size());
        for (Discrepancy d : report.different()) {
            assertThat(d.differences()).isNotEmpty();
            assertThat(d.oldVersion()).isEqualTo(old.read(d.key()).orElseThrow().version());
            assertThat(d.newVersion()).isEqualTo(neu.read(d.key()).orElseThrow().version());
        }
        return report;
    }

    private static Set<String> keys(List<Discrepancy> list) {
        Set<String> out = new TreeSet<>();
        list.forEach(d -> out.add(d.key()));
        return out;
    }
}
