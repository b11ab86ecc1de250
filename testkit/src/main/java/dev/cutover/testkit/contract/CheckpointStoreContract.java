package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

/**
 * The contract of {@link CheckpointStore}, as jqwik properties and examples: any sequence of
 * claims, saves, done marks, releases and clock moves by three owners leaves the store in the
 * model's state with the model's answers: one live claim per segment, takeover only after the
 * lease, fenced saves, done is final; the first prepare records the source's layout and every
 * later one with another layout or segment count is refused, also among concurrent first
 * preparers. A store extends this class and returns a fresh, empty store
 * that judges leases by the given clock (one the properties move by hand).
 *
 * <pre>{@code
 * class PostgresCheckpointStoreContractTest extends CheckpointStoreContract {
 *   @Override protected CheckpointStore createStore(Clock clock) {
 *     return JdbcCheckpointStore.builder(dataSource, "contract_" + counter.incrementAndGet()).clock(clock).build();
 *   }
 * }
 * }</pre>
 */
public abstract class CheckpointStoreContract {
    static final Duration LEASE = Duration.ofSeconds(10);
    static final List<String> OWNERS = List.of("owner-a", "owner-b", "owner-é/c");

    /** A fresh, empty store that judges leases by {@code clock}. */
    protected abstract CheckpointStore createStore(Clock clock) throws Exception;

    /** One step of a generated history. */
    sealed interface Op permits Claim, Save, Done, Release, Advance {}

    record Claim(int segment, int owner) implements Op {}

    /** Acts on the {@code handle}-th claim granted so far (modulo their number). */
    record Save(int handle, long rows) implements Op {}

    record Done(int handle, long rows) implements Op {}

    record Release(int handle) implements Op {}

    record Advance(long millis) implements Op {}

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Op> claim = Arbitraries.integers()
                .between(0, 3)
                .flatMap(s -> Arbitraries.integers().between(0, 2).map(o -> new Claim(s, o)));
        Arbitrary<Op> save = Arbitraries.integers()
                .between(0, 20)
                .flatMap(h -> Arbitraries.longs().between(0, 500).map(r -> new Save(h, r)));
        Arbitrary<Op> done = Arbitraries.integers()
                .between(0, 20)
                .flatMap(h -> Arbitraries.longs().between(0, 500).map(r -> new Done(h, r)));
        Arbitrary<Op> release = Arbitraries.integers().between(0, 20).map(Release::new);
        Arbitrary<Op> advance = Arbitraries.of(0L, 1L, 4_000L, 9_999L, 10_000L, 10_001L, 25_000L)
                .map(Advance::new);
        return Arbitraries.frequencyOf(
                        Tuple.of(5, claim),
                        Tuple.of(4, save),
                        Tuple.of(2, done),
                        Tuple.of(1, release),
                        Tuple.of(3, advance))
                .list()
                .ofMinSize(1)
                .ofMaxSize(30);
    }

    /** The model of one segment. */
    private static final class Model {
        @Nullable
        String owner;

        @Nullable
        String claimId;

        Instant leaseUntil = Instant.EPOCH;

        @Nullable
        String token;

        long rows;
        boolean done;

        boolean claimableBy(String o, Instant now) {
            return !done && (owner == null || !leaseUntil.isAfter(now) || owner.equals(o));
        }

        boolean current(CheckpointClaim c, Instant now) {
            return !done && c.claimId().equals(claimId) && leaseUntil.isAfter(now);
        }
    }

    @Property(tries = 40)
    void followsTheModel(@ForAll("histories") List<Op> history, @ForAll @IntRange(min = 1, max = 4) int segments)
            throws Exception {
        LeaseClock clock = new LeaseClock();
        CheckpointStore store = createStore(clock);
        store.prepare(segments, layout(segments));
        store.prepare(segments, layout(segments)); // idempotent
        List<Model> model = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            model.add(new Model());
        }
        List<CheckpointClaim> handles = new ArrayList<>();
        int tokens = 0;
        for (Op op : history) {
            Instant now = clock.instant();
            if (op instanceof Claim c) {
                int segment = c.segment() % segments;
                String owner = OWNERS.get(c.owner());
                Model m = model.get(segment);
                boolean expected = m.claimableBy(owner, now);
                Optional<CheckpointClaim> got = store.claim(segment, owner, LEASE);
                assertThat(got.isPresent())
                        .as("%s at %s over %s", op, now, describe(m))
                        .isEqualTo(expected);
                if (expected) {
                    CheckpointClaim claim = got.orElseThrow();
                    assertThat(claim.token()).isEqualTo(m.token);
                    assertThat(claim.rows()).isEqualTo(m.rows);
                    assertThat(claim.owner()).isEqualTo(owner);
                    assertThat(handles).extracting(CheckpointClaim::claimId).doesNotContain(claim.claimId());
                    m.owner = owner;
                    m.claimId = claim.claimId();
                    m.leaseUntil = now.plus(LEASE);
                    handles.add(claim);
                }
            } else if (op instanceof Save s && !handles.isEmpty()) {
                CheckpointClaim claim = handles.get(s.handle() % handles.size());
                Model m = model.get(claim.segment());
                boolean expected = m.current(claim, now);
                String token = "token-" + (++tokens) + "-é";
                assertThat(store.save(claim, token, s.rows(), LEASE))
                        .as("%s over %s", op, describe(m))
                        .isEqualTo(expected);
                if (expected) {
                    m.token = token;
                    m.rows = s.rows();
                    m.leaseUntil = now.plus(LEASE);
                }
            } else if (op instanceof Done d && !handles.isEmpty()) {
                CheckpointClaim claim = handles.get(d.handle() % handles.size());
                Model m = model.get(claim.segment());
                boolean expected = m.current(claim, now);
                assertThat(store.markDone(claim, d.rows()))
                        .as("%s over %s", op, describe(m))
                        .isEqualTo(expected);
                if (expected) {
                    m.done = true;
                    m.rows = d.rows();
                    m.leaseUntil = Instant.EPOCH;
                }
            } else if (op instanceof Release r && !handles.isEmpty()) {
                CheckpointClaim claim = handles.get(r.handle() % handles.size());
                Model m = model.get(claim.segment());
                store.release(claim);
                if (!m.done && claim.claimId().equals(m.claimId)) {
                    m.leaseUntil = Instant.EPOCH;
                }
            } else if (op instanceof Advance a) {
                clock.advance(Duration.ofMillis(a.millis()));
            }
            assertMatches(store, model, clock.instant());
        }
    }

    private static String describe(Model m) {
        return "[owner " + m.owner + ", lease until " + m.leaseUntil + ", done " + m.done + "]";
    }

    private static void assertMatches(CheckpointStore store, List<Model> model, Instant now) throws Exception {
        List<Checkpoint> all = store.checkpoints();
        assertThat(all).hasSize(model.size());
        for (int i = 0; i < model.size(); i++) {
            Model m = model.get(i);
            Checkpoint c = all.get(i);
            assertThat(c)
                    .as("checkpoint %d", i)
                    .isEqualTo(new Checkpoint(i, m.owner, m.leaseUntil, m.token, m.rows, m.done));
        }
        for (String owner : OWNERS) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < model.size(); i++) {
                if (model.get(i).claimableBy(owner, now)) {
                    expected.add(i);
                }
            }
            assertThat(store.claimable(owner, 10)).as("claimable by %s", owner).isEqualTo(expected);
            if (expected.size() > 1) {
                assertThat(store.claimable(owner, 1)).as("limit").isEqualTo(expected.subList(0, 1));
            }
        }
    }

    /** Many owners claim one segment at the same instant: exactly one gets it. */
    @Example
    void concurrentClaimsHaveOneWinner() throws Exception {
        CheckpointStore store = createStore(Clock.systemUTC());
        store.prepare(5, layout(5));
        int claimers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            for (int round = 0; round < 5; round++) {
                int segment = round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Optional<CheckpointClaim>>> results = new ArrayList<>();
                for (int i = 0; i < claimers; i++) {
                    String owner = "racer-" + round + "-" + i;
                    Callable<Optional<CheckpointClaim>> claim = () -> {
                        start.await();
                        return store.claim(segment, owner, LEASE);
                    };
                    results.add(pool.submit(claim));
                }
                start.countDown();
                int winners = 0;
                CheckpointClaim won = null;
                for (Future<Optional<CheckpointClaim>> f : results) {
                    Optional<CheckpointClaim> c = f.get();
                    if (c.isPresent()) {
                        winners++;
                        won = c.get();
                    }
                }
                assertThat(winners).as("winners of round %d", round).isEqualTo(1);
                assertThat(store.markDone(won, round)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Many processes prepare the same checkpoints at once (first start of a shared backfill). */
    @Example
    void concurrentPreparesAgree() throws Exception {
        CheckpointStore store = createStore(Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> prepared = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                prepared.add(pool.submit(() -> {
                    start.await();
                    store.prepare(16, layout(16));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : prepared) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.checkpoints())
                .extracting(Checkpoint::segment)
                .containsExactlyElementsOf(IntStream.range(0, 16).boxed().toList());
    }

    @Example
    void aSourceWithAnotherSegmentCountIsRefused() throws Exception {
        CheckpointStore store = createStore(Clock.systemUTC());
        store.prepare(4, "ranges v1");
        assertThatThrownBy(() -> store.prepare(8, "ranges v1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4")
                .hasMessageContaining("8");
        assertThatThrownBy(() -> store.prepare(2, "ranges v1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4")
                .hasMessageContaining("2");
        assertThat(store.checkpoints()).hasSize(4);
        assertThatThrownBy(() -> store.prepare(0, "ranges v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }

    /** The layout a source whose split depends on its segment count only has by default. */
    private static String layout(int segments) {
        return segments + " segments";
    }

    @Example
    void theFirstPrepareRecordsTheLayoutAndTheSameLayoutResumes() throws Exception {
        LeaseClock clock = new LeaseClock();
        CheckpointStore store = createStore(clock);
        assertThat(store.layout()).as("before prepare").isEmpty();
        store.prepare(3, "jdbc key ranges, 3 segments, boundaries sha-256 0123456789abcdef");
        assertThat(store.layout()).hasValue("jdbc key ranges, 3 segments, boundaries sha-256 0123456789abcdef");
        CheckpointClaim done = store.claim(0, OWNERS.get(0), LEASE).orElseThrow();
        assertThat(store.markDone(done, 7)).isTrue();
        CheckpointClaim begun = store.claim(2, OWNERS.get(0), LEASE).orElseThrow();
        assertThat(store.save(begun, "after-é", 4, LEASE)).isTrue();
        List<Checkpoint> before = store.checkpoints();

        store.prepare(3, "jdbc key ranges, 3 segments, boundaries sha-256 0123456789abcdef"); // a restart
        assertThat(store.checkpoints()).isEqualTo(before);
        assertThat(store.layout()).hasValue("jdbc key ranges, 3 segments, boundaries sha-256 0123456789abcdef");
    }

    @Example
    void anotherLayoutIsRefusedNamingBothAndChangingNothing() throws Exception {
        LeaseClock clock = new LeaseClock();
        CheckpointStore store = createStore(clock);
        String started = "key ranges, 4 segments, boundaries 1111";
        store.prepare(4, started);
        CheckpointClaim done = store.claim(1, OWNERS.get(1), LEASE).orElseThrow();
        assertThat(store.markDone(done, 10)).isTrue();
        List<Checkpoint> before = store.checkpoints();

        String recomputed = "key ranges, 4 segments, boundaries 2222";
        assertThatThrownBy(() -> store.prepare(4, recomputed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(started)
                .hasMessageContaining(recomputed);
        assertThatThrownBy(() -> store.prepare(4, "4 segments"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(started)
                .hasMessageContaining("'4 segments'");
        assertThat(store.checkpoints()).isEqualTo(before);
        assertThat(store.layout()).hasValue(started);
        assertThat(store.claimable(OWNERS.get(0), 10)).containsExactly(0, 2, 3);
    }

    @Example
    void aBlankOrOverlongLayoutIsRejected() throws Exception {
        CheckpointStore store = createStore(Clock.systemUTC());
        assertThatThrownBy(() -> store.prepare(2, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layout");
        String overlong = "x".repeat(SegmentedSource.MAX_LAYOUT_LENGTH + 1);
        assertThatThrownBy(() -> store.prepare(2, overlong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(SegmentedSource.MAX_LAYOUT_LENGTH + 1));
        String longest = "y".repeat(SegmentedSource.MAX_LAYOUT_LENGTH - 1) + "é";
        store.prepare(2, longest);
        assertThat(store.layout()).hasValue(longest);
    }

    /**
     * Processes with two layouts prepare a fresh store at once: exactly one layout is recorded, every
     * preparer with it succeeds, every other is refused, and the checkpoints are complete.
     */
    @Example
    void concurrentPreparersAgreeOnOneLayout() throws Exception {
        int preparers = 6;
        for (int round = 0; round < 4; round++) {
            CheckpointStore store = createStore(Clock.systemUTC());
            ExecutorService pool = Executors.newFixedThreadPool(preparers);
            List<String> layouts = new ArrayList<>();
            List<Future<@Nullable Throwable>> outcomes = new ArrayList<>();
            try {
                CountDownLatch start = new CountDownLatch(1);
                for (int i = 0; i < preparers; i++) {
                    String layout = "round " + round + (i % 2 == 0 ? " split a" : " split b");
                    layouts.add(layout);
                    Callable<@Nullable Throwable> prepare = () -> {
                        start.await();
                        try {
                            store.prepare(8, layout);
                            return null;
                        } catch (IllegalStateException e) {
                            return e;
                        }
                    };
                    outcomes.add(pool.submit(prepare));
                }
                start.countDown();
                String recorded = null;
                for (int i = 0; i < preparers; i++) {
                    Throwable refused = outcomes.get(i).get();
                    if (recorded == null) {
                        recorded = store.layout().orElseThrow();
                    }
                    if (layouts.get(i).equals(recorded)) {
                        assertThat(refused)
                                .as("preparer %d with the recorded layout", i)
                                .isNull();
                    } else {
                        assertThat(refused)
                                .as("preparer %d with another layout", i)
                                .isNotNull()
                                .hasMessageContaining(recorded)
                                .hasMessageContaining(layouts.get(i));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.checkpoints())
                    .extracting(Checkpoint::segment)
                    .containsExactlyElementsOf(IntStream.range(0, 8).boxed().toList());
        }
    }

    /** The clock a store under test judges leases by; the properties move it by hand. */
    private static final class LeaseClock extends Clock {
        private final AtomicLong millis =
                new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
