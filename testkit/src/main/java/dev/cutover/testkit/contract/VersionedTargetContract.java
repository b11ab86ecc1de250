package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import dev.cutover.replication.spi.SegmentedSource.Page;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;

/**
 * The contract of {@link VersionedTarget}, as jqwik properties and examples. A store extends this
 * class and implements {@link #createTarget()}, which must return an empty target that no other
 * test uses (a new table, key prefix or database). The invariants are the architecture's:
 * convergence under any order and duplication, idempotence, no resurrection after a delete,
 * stored versions never decrease, correct outcomes, and segments that partition the keys.
 *
 * <pre>{@code
 * class PostgresVersionedTargetContractTest extends VersionedTargetContract {
 *   @Override protected VersionedTarget createTarget() throws Exception {
 *     return JdbcVersionedTarget.builder(dataSource).table("t_" + counter.incrementAndGet()).build();
 *   }
 * }
 * }</pre>
 */
public abstract class VersionedTargetContract {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A fresh, empty target, used by one try only. */
    protected abstract VersionedTarget createTarget() throws Exception;

    /** One generated change history: per key, versions strictly increase in the order made. */
    public record History(List<Change> made, long seed) {
        /** The last change made per key: what the target must hold once everything is delivered. */
        Map<String, Change> finalState() {
            Map<String, Change> last = new HashMap<>();
            for (Change c : made) {
                last.merge(c.key(), c, (a, b) -> a.version() >= b.version() ? a : b);
            }
            return last;
        }

        /** Every change, some twice or three times, in a random order. */
        List<Change> delivered() {
            Random random = new Random(seed);
            List<Change> out = new ArrayList<>(made);
            for (Change c : made) {
                int extra = random.nextInt(10) == 0 ? 2 : random.nextInt(5) == 0 ? 1 : 0;
                for (int i = 0; i < extra; i++) {
                    out.add(c);
                }
            }
            Collections.shuffle(out, random);
            return out;
        }
    }

    static JsonNode payload(String key, long version, String name) {
        ObjectNode o = JSON.objectNode();
        o.put("id", key);
        o.put("name", name);
        o.put("rev", version);
        o.putArray("tags").add("t" + (version % 3));
        return o;
    }

    @Provide
    Arbitrary<History> histories() {
        Arbitrary<Integer> keyIndex = Arbitraries.integers().between(0, 7);
        Arbitrary<Boolean> delete = Arbitraries.integers().between(0, 3).map(i -> i == 0);
        Arbitrary<String> name =
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(12);
        Arbitrary<List<Object[]>> ops = Combinators.combine(keyIndex, delete, name)
                .as((k, d, n) -> new Object[] {k, d, n})
                .list()
                .ofMinSize(1)
                .ofMaxSize(40)
                // uniform sizes: jqwik's default favours tiny lists, and histories of 2 or 3 changes prove little
                .withSizeDistribution(RandomDistribution.uniform());
        return Combinators.combine(ops, Arbitraries.longs()).as((list, seed) -> {
            List<Change> made = new ArrayList<>();
            long version = 0;
            for (Object[] op : list) {
                // one clock for all keys: versions increase per key, and gaps between them are common
                version += 1 + Math.floorMod(seed + version, 3);
                String key = "key-" + op[0] + (((Integer) op[0]) % 2 == 0 ? "" : "/é ü");
                made.add(
                        (Boolean) op[1]
                                ? Change.delete(key, version)
                                : Change.upsert(key, version, payload(key, version, (String) op[2])));
            }
            return new History(made, seed);
        });
    }

    private static void applyInBatches(VersionedTarget target, List<Change> changes, Random random) throws Exception {
        int i = 0;
        while (i < changes.size()) {
            int size = 1 + random.nextInt(Math.min(25, changes.size() - i));
            List<Change> batch = changes.subList(i, i + size);
            List<ApplyOutcome> outcomes = target.apply(batch);
            assertThat(outcomes).as("one outcome per change").hasSize(batch.size());
            i += size;
        }
    }

    private static void assertHolds(VersionedTarget target, Map<String, Change> expected) throws Exception {
        for (Change want : expected.values()) {
            Optional<Change> got = target.read(want.key());
            assertThat(got).as("stored state of %s", want.key()).isPresent();
            assertThat(got.get().version()).as("version of %s", want.key()).isEqualTo(want.version());
            assertThat(got.get().kind()).as("kind of %s", want.key()).isEqualTo(want.kind());
            assertThat(got.get().payload()).as("payload of %s", want.key()).isEqualTo(want.payload());
        }
    }

    /** Convergence: any delivery order, with duplicates, in any batches, leaves the last change per key. */
    @Property(tries = 50)
    void convergesOnTheLastChangeOfEveryKey(@ForAll("histories") History history) throws Exception {
        VersionedTarget target = createTarget();
        applyInBatches(target, history.delivered(), new Random(history.seed()));
        assertHolds(target, history.finalState());
    }

    /** Idempotence: delivering everything again changes nothing and applies nothing. */
    @Property(tries = 30)
    void applyingAgainChangesNothing(@ForAll("histories") History history) throws Exception {
        VersionedTarget target = createTarget();
        List<Change> delivered = history.delivered();
        applyInBatches(target, delivered, new Random(history.seed()));
        List<ApplyOutcome> again = target.apply(delivered);
        assertThat(again).doesNotContain(ApplyOutcome.APPLIED);
        assertHolds(target, history.finalState());
    }

    /** Outcomes and monotonicity, against a model, one change at a time in delivery order. */
    @Property(tries = 30)
    void outcomesFollowTheStoredVersionAndVersionsNeverDecrease(@ForAll("histories") History history) throws Exception {
        VersionedTarget target = createTarget();
        Map<String, Long> stored = new HashMap<>();
        for (Change c : history.delivered()) {
            long before = stored.getOrDefault(c.key(), 0L);
            ApplyOutcome expected = c.version() > before
                    ? ApplyOutcome.APPLIED
                    : c.version() == before ? ApplyOutcome.DUPLICATE : ApplyOutcome.SUPERSEDED;
            assertThat(target.apply(List.of(c)))
                    .as("outcome of %s over stored v%d", c, before)
                    .containsExactly(expected);
            long now = target.read(c.key()).orElseThrow().version();
            assertThat(now).as("stored version of %s", c.key()).isGreaterThanOrEqualTo(before);
            stored.put(c.key(), now);
        }
    }

    /** No resurrection: after a delete, no older upsert brings the key back, whatever arrives after. */
    @Property(tries = 30)
    void aDeleteIsNeverUndoneByAnOlderUpsert(
            @ForAll @IntRange(min = 2, max = 50) int deleteVersion,
            @ForAll @IntRange(min = 1, max = 49) int lateVersion)
            throws Exception {
        int late = Math.min(lateVersion, deleteVersion - 1);
        VersionedTarget target = createTarget();
        target.apply(List.of(Change.upsert("k", 1, payload("k", 1, "created"))));
        assertThat(target.apply(List.of(Change.delete("k", deleteVersion)))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(target.apply(List.of(Change.upsert("k", late, payload("k", late, "late")))))
                .containsExactly(ApplyOutcome.SUPERSEDED);
        assertThat(target.read("k")).contains(Change.delete("k", deleteVersion));
        assertThat(target.apply(
                        List.of(Change.upsert("k", deleteVersion + 1L, payload("k", deleteVersion + 1L, "again")))))
                .as("a newer upsert recreates the key")
                .containsExactly(ApplyOutcome.APPLIED);
    }

    /** Segments partition the keys: reading every segment to its end returns each key exactly once. */
    @Property(tries = 20)
    void segmentsPartitionTheKeys(@ForAll("histories") History history, @ForAll @IntRange(min = 1, max = 7) int limit)
            throws Exception {
        VersionedTarget target = createTarget();
        applyInBatches(target, history.delivered(), new Random(history.seed()));
        Map<String, Change> seen = new HashMap<>();
        for (int segment = 0; segment < target.segments(); segment++) {
            String token = null;
            do {
                Page page = target.readPage(segment, token, limit);
                assertThat(page.rows().size()).isLessThanOrEqualTo(limit);
                for (Change c : page.rows()) {
                    assertThat(seen.put(c.key(), c))
                            .as("key %s read twice", c.key())
                            .isNull();
                }
                token = page.next();
            } while (token != null);
        }
        Map<String, Change> expected = history.finalState();
        assertThat(seen.keySet()).isEqualTo(expected.keySet());
        for (Change want : expected.values()) {
            assertThat(seen.get(want.key()).version()).isEqualTo(want.version());
            assertThat(seen.get(want.key()).kind()).isEqualTo(want.kind());
        }
    }

    /** Concurrent appliers of the same history, each in its own order, converge. */
    @Example
    void concurrentAppliersConverge() throws Exception {
        VersionedTarget target = createTarget();
        List<Change> made = new ArrayList<>();
        for (int v = 1; v <= 200; v++) {
            String key = "c-" + (v % 13);
            made.add(v % 7 == 0 ? Change.delete(key, v) : Change.upsert(key, v, payload(key, v, "n" + v)));
        }
        History history = new History(made, 42);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    applyInBatches(target, new History(made, seed).delivered(), new Random(seed));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertHolds(target, history.finalState());
    }

    @Example
    void tombstonesArePurgedOnlyBeforeTheHorizon() throws Exception {
        VersionedTarget target = createTarget();
        target.apply(List.of(Change.upsert("live", 1, payload("live", 1, "x")), Change.delete("gone", 2)));
        assertThat(target.purgeTombstones(Instant.now().minusSeconds(3600))).isZero();
        assertThat(target.read("gone")).contains(Change.delete("gone", 2));
        assertThat(target.purgeTombstones(Instant.now().plusSeconds(3600))).isEqualTo(1);
        assertThat(target.read("gone")).isEmpty();
        assertThat(target.read("live")).isPresent();
    }

    @Example
    void badArgumentsAreRejectedNamingTheValue() throws Exception {
        VersionedTarget target = createTarget();
        assertThatThrownBy(() -> target.readPage(target.segments(), null, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(target.segments()));
        assertThatThrownBy(() -> target.readPage(0, null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThat(target.apply(List.of())).isEmpty();
        assertThat(target.read("never-written")).isEmpty();
    }
}
