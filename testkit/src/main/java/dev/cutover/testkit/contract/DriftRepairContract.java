package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.PayloadDigest;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.Repair;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.ReplaceOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;

/**
 * Repair of same-version drift on a real {@link VersionedTarget}: rows the target holds at the
 * authority's version but with other content (edited behind the target's back) are overwritten
 * by {@link VersionedTarget#replaceIfUnchanged} exactly when the target still holds what the
 * reconciliation saw. Writes racing the repair are injected between the repair's read of the
 * authority and its compare-and-set (the window a concurrent write must hit): a newer versioned
 * write, or a second edit behind the target's back. Afterwards a reconciliation is clean for every
 * key not rewritten meanwhile, and no racing write was overwritten.
 *
 * <p>A store extends this class and implements {@link #createTarget()} and {@link
 * #editBehindTheTargetsBack}, which must change a row's payload in place, at its stored version,
 * without the target's API (plain SQL, a plain {@code UpdateItem}).
 */
public abstract class DriftRepairContract {

    /** A fresh, empty target, used by one try only. */
    protected abstract VersionedTarget createTarget() throws Exception;

    /** Overwrites the payload of {@code key}'s live row, keeping its version, bypassing the target. */
    protected abstract void editBehindTheTargetsBack(VersionedTarget target, String key, JsonNode payload)
            throws Exception;

    /** What happens to one key: 0 nothing, 1 edited, 2 edited then a newer write races, 3 edited twice (racing), 4 a newer write races. */
    record Scenario(List<JsonNode> payloads, List<Integer> fates) {
        static String key(int i) {
            return "row-" + i + (i % 3 == 0 ? "/ß𝄞" : "");
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<JsonNode> payload = Payloads.objects(2, 30);
        Arbitrary<Integer> fate = Arbitraries.integers().between(0, 4);
        return Combinators.combine(payload, fate)
                .as((p, f) -> new Object[] {p, f})
                .list()
                .ofMinSize(1)
                .ofMaxSize(20)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(rows -> new Scenario(
                        rows.stream().map(r -> (JsonNode) r[0]).toList(),
                        rows.stream().map(r -> (Integer) r[1]).toList()));
    }

    @Property(tries = 30)
    void repairOverwritesSameVersionDriftButNoWriteLandingMeanwhile(@ForAll("scenarios") Scenario s) throws Exception {
        VersionedTarget target = createTarget();
        InMemoryVersionedTarget old = new InMemoryVersionedTarget();
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < s.payloads().size(); i++) {
            rows.add(Change.upsert(Scenario.key(i), 100 + i, s.payloads().get(i)));
        }
        old.apply(rows);
        assertThat(target.apply(rows)).containsOnly(ApplyOutcome.APPLIED);
        Set<String> edited = new TreeSet<>();
        Map<String, Integer> racing = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            int fate = s.fates().get(i);
            if (fate >= 1 && fate <= 3) {
                editBehindTheTargetsBack(
                        target, Scenario.key(i), edit(rows.get(i).payload(), "behind"));
                edited.add(Scenario.key(i));
            }
            if (fate >= 2) {
                racing.put(Scenario.key(i), fate);
            }
        }
        ReconciliationReport report = reconcile(old, target);
        assertThat(report.different().stream().map(Discrepancy::key).toList())
                .as("keys found different")
                .containsExactlyElementsOf(edited);
        assertThat(report.missingInNew()).isEmpty();
        assertThat(report.extraInNew()).isEmpty();

        Map<String, Change> landedMeanwhile = new TreeMap<>();
        VersionedTarget raced = new RacingTarget(target, row -> {
            Integer fate = racing.get(row.key());
            if (fate == null) {
                return;
            }
            if (fate == 3) { // another edit behind the target's back, same version
                JsonNode again = edit(row.payload(), "again");
                editBehindTheTargetsBack(target, row.key(), again);
                landedMeanwhile.put(row.key(), Change.upsert(row.key(), row.version(), again));
            } else { // a newer write, authority first, as the proxy and the mirror do
                Change newer = Change.upsert(row.key(), row.version() + 1_000, edit(row.payload(), "newer"));
                old.apply(List.of(newer));
                target.apply(List.of(newer));
                landedMeanwhile.put(row.key(), newer);
            }
        });
        RepairResult result = Repair.from(report)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .batchSize(4)
                .apply(raced);

        long drifted = edited.stream().filter(k -> !racing.containsKey(k)).count();
        long raceLost = edited.stream().filter(racing::containsKey).count();
        assertThat(result.failed()).as("%s", result).isZero();
        assertThat(result.driftRepaired()).as("%s", result).isEqualTo(drifted);
        assertThat(result.keptNewer()).as("%s", result).isEqualTo(raceLost);
        for (Map.Entry<String, Change> e : landedMeanwhile.entrySet()) {
            if (!edited.contains(e.getKey())) {
                continue; // repair never looked at it: the race hook never ran
            }
            Change stored = target.read(e.getKey()).orElseThrow();
            assertThat(stored.version())
                    .as("version of %s", e.getKey())
                    .isEqualTo(e.getValue().version());
            assertThat(PayloadDigest.of(stored))
                    .as("content of %s written meanwhile", e.getKey())
                    .isEqualTo(PayloadDigest.of(e.getValue()));
        }
        ReconciliationReport after = reconcile(old, target);
        Set<String> stillDifferent = new TreeSet<>();
        after.different().forEach(d -> stillDifferent.add(d.key()));
        Set<String> editedAgain = new TreeSet<>();
        racing.forEach((key, fate) -> {
            if (fate == 3 && edited.contains(key)) {
                editedAgain.add(key);
            }
        });
        assertThat(stillDifferent).as("after %s: %s", result, after).isEqualTo(editedAgain);
        assertThat(after.missingInNew()).isEmpty();
        assertThat(after.extraInNew()).isEmpty();
    }

    /** Issue 13's end to end: backfill, an edit at the same version, reconcile, repair, reconcile: clean. */
    @Example
    void backfillEditReconcileRepairReconcileIsClean() throws Exception {
        VersionedTarget target = createTarget();
        InMemoryVersionedTarget old = new InMemoryVersionedTarget(2, java.time.Clock.systemUTC());
        List<Change> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ObjectNode p = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .objectNode()
                    .put("amount", new BigDecimal("12345678901234567.89"))
                    .put("n", Long.MAX_VALUE - i)
                    .put("name", "Zoë 𝄞");
            rows.add(Change.upsert("order-" + i, 10 + i, p));
        }
        old.apply(rows);
        Backfill.from(old).to(target).name("drift-e2e").build().run();
        assertThat(reconcile(old, target).clean())
                .as("right after the backfill")
                .isTrue();

        JsonNode edited =
                ((ObjectNode) rows.get(3).payload().deepCopy()).put("amount", new BigDecimal("12345678901234567.90"));
        editBehindTheTargetsBack(target, "order-3", edited);
        ReconciliationReport found = reconcile(old, target);
        assertThat(found.different()).extracting(Discrepancy::key).containsExactly("order-3");
        Discrepancy d = found.different().get(0);
        assertThat(d.newVersion()).isEqualTo(d.oldVersion()).isEqualTo(13);
        assertThat(d.newDigest()).isEqualTo(PayloadDigest.of(edited));

        RepairResult result = Repair.from(found)
                .direction(Repair.Direction.OLD_TO_NEW)
                .authority(old::read)
                .apply(target);
        assertThat(result.driftRepaired()).as("%s", result).isEqualTo(1);
        assertThat(result.alreadyCurrent()).isZero();
        assertThat(reconcile(old, target).clean()).as("after the repair").isTrue();
        Change repaired = target.read("order-3").orElseThrow();
        assertThat(repaired.version()).isEqualTo(13);
        assertThat(PayloadDigest.of(repaired)).isEqualTo(PayloadDigest.of(rows.get(3)));
        // the compare-and-set refuses what it did not see
        assertThat(target.replaceIfUnchanged(13, PayloadDigest.of(edited), rows.get(3)))
                .isEqualTo(ReplaceOutcome.CHANGED);
    }

    static JsonNode edit(JsonNode payload, String mark) {
        return payload.deepCopy() instanceof ObjectNode o ? o.put("edited", mark) : payload;
    }

    static ReconciliationReport reconcile(InMemoryVersionedTarget old, VersionedTarget target) throws Exception {
        return Reconciler.between(old, target)
                .buckets(16)
                .recheck(old::read)
                .recheckAfter(Duration.ZERO)
                .run();
    }

    /** A hook run with the row a repair is about to compare-and-set, before it does. */
    interface Race {
        void before(Change row) throws Exception;
    }

    /** A target that runs a {@link Race} just before each {@code replaceIfUnchanged}. */
    static final class RacingTarget implements VersionedTarget {
        private final VersionedTarget target;
        private final Race race;

        RacingTarget(VersionedTarget target, Race race) {
            this.target = target;
            this.race = race;
        }

        @Override
        public ReplaceOutcome replaceIfUnchanged(long expectedVersion, String expectedDigest, Change row)
                throws Exception {
            race.before(row);
            return target.replaceIfUnchanged(expectedVersion, expectedDigest, row);
        }

        @Override
        public List<ApplyOutcome> apply(List<Change> changes) throws Exception {
            return target.apply(changes);
        }

        @Override
        public Optional<Change> read(String key) throws Exception {
            return target.read(key);
        }

        @Override
        public long purgeTombstones(java.time.Instant appliedBefore) throws Exception {
            return target.purgeTombstones(appliedBefore);
        }

        @Override
        public int segments() {
            return target.segments();
        }

        @Override
        public Page readPage(int segment, @org.jspecify.annotations.Nullable String token, int limit) throws Exception {
            return target.readPage(segment, token, limit);
        }

        @Override
        public String layout() {
            return target.layout();
        }

        @Override
        public String describe() {
            return target.describe();
        }
    }
}
