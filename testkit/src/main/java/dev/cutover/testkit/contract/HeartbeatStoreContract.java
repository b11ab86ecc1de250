package dev.cutover.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Flag;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;
import org.jspecify.annotations.Nullable;

/**
 * The contract of a {@link HeartbeatStore}, as jqwik properties and examples that every store runs:
 * the in-memory, JDBC and DynamoDB stores of Cutover, and a third-party store in its own build.
 *
 * <pre>{@code
 * class MyHeartbeatStoreContractTest extends HeartbeatStoreContract {
 *   @Override protected HeartbeatStore createStore() throws Exception {
 *     MyStore store = new MyStore(freshTable());   // empty, used by one try only
 *     store.createHeartbeatTableIfMissing();
 *     return store;
 *   }
 * }
 * }</pre>
 *
 * <p>What is checked:
 *
 * <ul>
 *   <li><b>Exact round trip.</b> Every field of any valid heartbeat reads back equal: any valid
 *       service, instance and proxy names (names that differ only in case are different), up to
 *       {@link Heartbeat#MAX_STAGES} stages, revisions up to {@link Long#MAX_VALUE}, any interval.
 *       Stores keep instants and durations to the millisecond, so the generated ones are whole
 *       milliseconds.
 *   <li><b>Expiry.</b> {@code heartbeats(now)} returns a heartbeat while {@code now} is before its
 *       {@link Heartbeat#expiresAt()} and never at or after it; {@code removeExpiredHeartbeats}
 *       removes exactly the expired ones and counts them, or returns 0 for a store that expires
 *       records itself ({@link #expiresByItself()}).
 *   <li><b>One record per instance.</b> Under any sequence of puts, removes, reads and expiry
 *       sweeps over a few instances, the store holds the last heartbeat put for each instance; a
 *       remove removes only that one.
 *   <li><b>Concurrent writers lose nothing.</b> Many threads (each with its own store instance
 *       when {@link #writer} says so) putting heartbeats of many instances at once leave every
 *       instance's last heartbeat stored; threads racing on the same instances leave one of the
 *       heartbeats they wrote.
 *   <li><b>Heartbeats never touch the flags.</b> When the store is also a {@link FlagStore}, its
 *       {@code headRevision()} and flags are the same after any heartbeat traffic.
 *   <li><b>Names are exact:</b> names that differ only in case are different instances (a
 *       case-insensitive collation would merge them).
 *   <li><b>Bad names</b> given to {@code removeHeartbeat} are refused with the message of {@link
 *       Heartbeat#checkName}.
 * </ul>
 *
 * <p>Heartbeats are sent in the future (from tomorrow on, real time), so a store whose database
 * expires records on its own (DynamoDB's time to live) never drops one during a test.
 *
 * @since 0.2.0
 */
public abstract class HeartbeatStoreContract {
    /** The earliest {@code sentAt} of a generated heartbeat: a whole day, tomorrow or later. */
    protected static final Instant BASE =
            Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2));

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final AuditInfo AUDIT = new AuditInfo("contract", "heartbeat store contract");
    private static final Comparator<Heartbeat> ORDER =
            Comparator.comparing(Heartbeat::service).thenComparing(Heartbeat::instance);

    /** For subclasses. */
    protected HeartbeatStoreContract() {}

    // ---------------------------------------------------------------------------------------------
    // hooks

    /**
     * A fresh, empty store whose heartbeat table exists, used by one try only (a new table, table
     * prefix or key prefix), so that tries never see each other's heartbeats.
     */
    protected abstract HeartbeatStore createStore() throws Exception;

    /**
     * The store that concurrent writer number {@code writer} (0-based) uses. Default: {@code store}
     * itself, shared by every thread; a store over a database may return a second instance over the
     * same tables, as a second process would be.
     */
    protected HeartbeatStore writer(HeartbeatStore store, int writer) throws Exception {
        return store;
    }

    /**
     * Whether the store's database drops expired records itself, so that {@link
     * HeartbeatStore#removeExpiredHeartbeats} returns 0 and removes nothing. Default false: it must
     * remove exactly the expired heartbeats and return how many.
     */
    protected boolean expiresByItself() {
        return false;
    }

    /** Releases a store after a try; the default closes a {@link FlagStore}. */
    protected void dispose(HeartbeatStore store) throws Exception {
        if (store instanceof FlagStore flags) {
            flags.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // generators

    /** Valid service, instance and proxy names: every character {@link Heartbeat#NAME_PATTERN} allows. */
    @Provide
    protected Arbitrary<String> names() {
        return nameChars().ofMinLength(1).ofMaxLength(128);
    }

    /** Any valid heartbeat, to the millisecond, sent at {@link #BASE} or later. */
    @Provide
    protected Arbitrary<Heartbeat> heartbeats() {
        Arbitrary<Map<String, String>> stages = Arbitraries.frequencyOf(
                Tuple.of(4, stageMaps(0, 4)), Tuple.of(1, stageMaps(Heartbeat.MAX_STAGES - 4, Heartbeat.MAX_STAGES)));
        Arbitrary<Instant> sentAt = Arbitraries.longs()
                .between(
                        BASE.toEpochMilli(),
                        BASE.plus(Duration.ofDays(365 * 50)).toEpochMilli())
                .map(Instant::ofEpochMilli);
        Arbitrary<Duration> interval =
                Arbitraries.longs().between(1, Duration.ofDays(366).toMillis()).map(Duration::ofMillis);
        return Combinators.combine(
                        names(),
                        names(),
                        Arbitraries.longs().between(0, Long.MAX_VALUE),
                        stages,
                        Arbitraries.of(ClientStatus.State.class),
                        Arbitraries.of(ClientStatus.Source.class),
                        sentAt,
                        interval)
                .as(Heartbeat::new);
    }

    private static StringArbitrary nameChars() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('A', 'Z')
                .withCharRange('0', '9')
                .withChars('.', '-', '_');
    }

    private Arbitrary<Map<String, String>> stageMaps(int min, int max) {
        return Arbitraries.maps(names(), nameChars().ofMinLength(1).ofMaxLength(64))
                .ofMinSize(min)
                .ofMaxSize(max);
    }

    /** The instances of the model histories: some differ only in case, or by a dot. */
    private static final List<String[]> KEYS = List.of(
            new String[] {"orders", "i-1"},
            new String[] {"orders", "I-1"},
            new String[] {"orders", "i-1."},
            new String[] {"Orders", "i-1"},
            new String[] {"billing", "i-1"},
            new String[] {"billing", "b_2"});

    /** One step of a history. */
    sealed interface Op permits Put, Remove, Read, Sweep {}

    /** Puts a heartbeat of {@code KEYS[key]}, sent {@code sentMinutes} after {@link #BASE}. */
    record Put(int key, long revision, String stage, long sentMinutes, Duration interval) implements Op {}

    record Remove(int key) implements Op {}

    /** Reads at {@code minutes} after {@link #BASE}. */
    record Read(long minutes) implements Op {}

    /** Removes what expired at {@code minutes} after {@link #BASE}. */
    record Sweep(long minutes) implements Op {}

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS.size() - 1);
        Arbitrary<Long> minutes = Arbitraries.longs().between(0, 240);
        Arbitrary<Op> put = Combinators.combine(
                        key,
                        Arbitraries.longs().between(0, 5),
                        Arbitraries.of("OLD_ONLY", "SHADOW", "NEW_ONLY"),
                        minutes,
                        Arbitraries.of(
                                Duration.ofMillis(1),
                                Duration.ofSeconds(30),
                                Duration.ofMinutes(2),
                                Duration.ofMinutes(5)))
                .as(Put::new);
        return Arbitraries.frequencyOf(
                        Tuple.of(6, put),
                        Tuple.of(2, key.map(Remove::new)),
                        Tuple.of(3, minutes.map(Read::new)),
                        Tuple.of(1, minutes.map(Sweep::new)))
                .list()
                .ofMinSize(1)
                .ofMaxSize(25);
    }

    // ---------------------------------------------------------------------------------------------
    // properties

    /** Every field of any valid heartbeat reads back equal, until the instant it expires. */
    @Property(tries = 60)
    void everyFieldReadsBackExactlyUntilItExpires(@ForAll("heartbeats") Heartbeat beat) throws Exception {
        HeartbeatStore store = createStore();
        try {
            Guard guard = Guard.of(store);
            store.putHeartbeat(beat);
            assertThat(store.heartbeats(beat.sentAt())).as("read at sentAt").containsExactly(beat);
            Instant expires = beat.expiresAt();
            assertThat(store.heartbeats(expires.minusMillis(1)))
                    .as("read 1 ms before it expires")
                    .containsExactly(beat);
            assertThat(store.heartbeats(expires)).as("read when it expires").isEmpty();
            guard.check(store);
        } finally {
            dispose(store);
        }
    }

    /**
     * Any history of puts, removes, reads and expiry sweeps leaves the store holding, for each
     * instance, the last heartbeat put (until it expires or is removed), and nothing else.
     */
    @Property(tries = 40)
    void followsTheModel(@ForAll("histories") List<Op> history) throws Exception {
        HeartbeatStore store = createStore();
        try {
            Guard guard = Guard.of(store);
            Map<Integer, Heartbeat> model = new HashMap<>();
            for (Op op : history) {
                if (op instanceof Put p) {
                    Heartbeat beat = new Heartbeat(
                            KEYS.get(p.key())[0],
                            KEYS.get(p.key())[1],
                            p.revision(),
                            Map.of("orders", p.stage(), "payments", "SHADOW"),
                            ClientStatus.State.READY,
                            ClientStatus.Source.STORE,
                            BASE.plus(Duration.ofMinutes(p.sentMinutes())),
                            p.interval());
                    store.putHeartbeat(beat);
                    model.put(p.key(), beat);
                } else if (op instanceof Remove r) {
                    store.removeHeartbeat(KEYS.get(r.key())[0], KEYS.get(r.key())[1]);
                    model.remove(r.key());
                } else if (op instanceof Read r) {
                    Instant now = BASE.plus(Duration.ofMinutes(r.minutes()));
                    assertThat(sorted(store.heartbeats(now)))
                            .as("heartbeats at %s", now)
                            .containsExactlyElementsOf(sorted(live(model, now)));
                } else if (op instanceof Sweep s) {
                    Instant now = BASE.plus(Duration.ofMinutes(s.minutes()));
                    int removed = store.removeExpiredHeartbeats(now);
                    if (expiresByItself()) {
                        assertThat(removed)
                                .as("a store that expires records itself removes none")
                                .isZero();
                    } else {
                        int expired = model.size() - live(model, now).size();
                        assertThat(removed)
                                .as("expired heartbeats removed at %s", now)
                                .isEqualTo(expired);
                        model.values().removeIf(h -> !h.expiresAt().isAfter(now));
                    }
                }
            }
            assertThat(sorted(store.heartbeats(BASE)))
                    .as("heartbeats at the end")
                    .containsExactlyElementsOf(sorted(live(model, BASE)));
            guard.check(store);
        } finally {
            dispose(store);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // examples

    /** A remove takes one instance's heartbeat and nothing else; removing an absent one is no error. */
    @Example
    void removeTakesOnlyThatInstance() throws Exception {
        HeartbeatStore store = createStore();
        try {
            Heartbeat a = beat("orders", "a", 1);
            Heartbeat b = beat("orders", "b", 1);
            Heartbeat otherService = beat("billing", "a", 1);
            store.putHeartbeat(a);
            store.putHeartbeat(b);
            store.putHeartbeat(otherService);
            store.removeHeartbeat("orders", "a");
            store.removeHeartbeat("orders", "a");
            store.removeHeartbeat("nobody", "none");
            assertThat(sorted(store.heartbeats(BASE))).isEqualTo(List.of(otherService, b));
        } finally {
            dispose(store);
        }
    }

    /** Names that differ only in case (or by a trailing dot) are different services and instances. */
    @Example
    void namesThatDifferInCaseAreDifferentInstances() throws Exception {
        HeartbeatStore store = createStore();
        try {
            List<Heartbeat> beats = List.of(
                    beat("orders", "i-1", 1),
                    beat("orders", "I-1", 2),
                    beat("orders", "i-1.", 3),
                    beat("Orders", "i-1", 4),
                    beat("ORDERS", "I-1", 5));
            for (Heartbeat b : beats) {
                store.putHeartbeat(b);
            }
            assertThat(sorted(store.heartbeats(BASE))).isEqualTo(sorted(beats));
            store.removeHeartbeat("orders", "I-1");
            assertThat(sorted(store.heartbeats(BASE)))
                    .isEqualTo(sorted(List.of(beats.get(0), beats.get(2), beats.get(3), beats.get(4))));
        } finally {
            dispose(store);
        }
    }

    /** The table is created idempotently, and creating it again keeps what it holds. */
    @Example
    void creatingTheTableAgainKeepsItsHeartbeats() throws Exception {
        HeartbeatStore store = createStore();
        try {
            Heartbeat a = beat("orders", "a", 3);
            store.putHeartbeat(a);
            store.createHeartbeatTableIfMissing();
            store.createHeartbeatTableIfMissing();
            assertThat(store.heartbeats(BASE)).containsExactly(a);
        } finally {
            dispose(store);
        }
    }

    /** An empty store reads as no heartbeats, and sweeps nothing. */
    @Example
    void anEmptyStoreHasNoHeartbeats() throws Exception {
        HeartbeatStore store = createStore();
        try {
            assertThat(store.heartbeats(BASE)).isEmpty();
            assertThat(store.removeExpiredHeartbeats(BASE.plus(Duration.ofDays(1000))))
                    .isZero();
        } finally {
            dispose(store);
        }
    }

    /** Names a store takes from a user are checked like flag keys, naming the bad value. */
    @Example
    void badNamesAreRefusedNamingThem() throws Exception {
        HeartbeatStore store = createStore();
        try {
            Heartbeat kept = beat("orders", "a", 1);
            store.putHeartbeat(kept);
            assertThatThrownBy(() -> store.removeHeartbeat("orders'; --", "a"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("service name must match")
                    .hasMessageContaining("orders'; --");
            assertThatThrownBy(() -> store.removeHeartbeat("orders", "a b"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("instance name must match")
                    .hasMessageContaining("a b");
            assertThatThrownBy(() -> store.removeHeartbeat("orders", "x".repeat(129)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("instance name must match");
            assertThat(store.heartbeats(BASE)).containsExactly(kept);
        } finally {
            dispose(store);
        }
    }

    /**
     * Writers on many threads put heartbeats of many instances at once, several rounds each: every
     * instance's last heartbeat is stored, none lost; and threads racing on the same instances
     * leave one of the heartbeats they wrote.
     */
    @Example
    void concurrentPutsLoseNone() throws Exception {
        HeartbeatStore store = createStore();
        int writers = 8;
        int instancesPerWriter = 25;
        int rounds = 3;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            Guard guard = Guard.of(store);
            List<HeartbeatStore> stores = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                stores.add(writer(store, w));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                HeartbeatStore mine = stores.get(w);
                String service = w % 2 == 0 ? "orders" : "billing";
                int writer = w;
                Callable<Void> work = () -> {
                    start.await();
                    for (int round = 1; round <= rounds; round++) {
                        for (int i = 0; i < instancesPerWriter; i++) {
                            mine.putHeartbeat(beat(service, "w" + writer + "-i" + i, round));
                            // every writer also writes the shared instances: one of them wins each
                            if (i % 5 == 0) {
                                mine.putHeartbeat(beat("shared", "s" + i, writer * 100L + round));
                            }
                        }
                    }
                    return null;
                };
                done.add(pool.submit(work));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            List<Heartbeat> stored = store.heartbeats(BASE);
            List<Heartbeat> expected = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                for (int i = 0; i < instancesPerWriter; i++) {
                    expected.add(beat(w % 2 == 0 ? "orders" : "billing", "w" + w + "-i" + i, rounds));
                }
            }
            List<Heartbeat> own =
                    stored.stream().filter(h -> !h.service().equals("shared")).toList();
            assertThat(sorted(own)).as("every writer's instances").containsExactlyElementsOf(sorted(expected));
            List<Heartbeat> shared =
                    stored.stream().filter(h -> h.service().equals("shared")).toList();
            assertThat(shared).as("one heartbeat per shared instance").hasSize(instancesPerWriter / 5);
            for (Heartbeat h : shared) {
                long writer = h.revision() / 100;
                long round = h.revision() % 100;
                assertThat(writer).as("writer of %s", h.instance()).isBetween(0L, (long) writers - 1);
                assertThat(round).as("round of %s", h.instance()).isBetween(1L, (long) rounds);
                assertThat(h).isEqualTo(beat("shared", h.instance(), h.revision()));
            }
            guard.check(store);
            for (HeartbeatStore s : stores) {
                if (s != store) {
                    dispose(s);
                }
            }
        } finally {
            pool.shutdownNow();
            dispose(store);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** A heartbeat of {@code service}/{@code instance} at {@code revision}, all else fixed. */
    protected static Heartbeat beat(String service, String instance, long revision) {
        return new Heartbeat(
                service,
                instance,
                revision,
                Map.of("orders", "SHADOW"),
                ClientStatus.State.READY,
                ClientStatus.Source.STORE,
                BASE,
                Duration.ofSeconds(30));
    }

    private static List<Heartbeat> live(Map<Integer, Heartbeat> model, Instant now) {
        return model.values().stream().filter(h -> h.expiresAt().isAfter(now)).toList();
    }

    private static List<Heartbeat> sorted(List<Heartbeat> beats) {
        List<Heartbeat> copy = new ArrayList<>(beats);
        copy.sort(ORDER);
        return copy;
    }

    /**
     * The flags of a store that is also a {@link FlagStore}, taken before heartbeat traffic, with
     * one flag written first when the store is writable, so that there is something to disturb.
     */
    private record Guard(long revision, @Nullable List<RawFlag> flags) {
        static Guard of(HeartbeatStore store) throws Exception {
            if (!(store instanceof FlagStore flags)) {
                return new Guard(-1, null);
            }
            if (store instanceof WritableFlagStore writable) {
                writable.put(Flag.booleanFlag("fleet.canary", true), 0, AUDIT);
            }
            return new Guard(flags.headRevision(), flags.load().flags());
        }

        void check(HeartbeatStore store) throws Exception {
            if (store instanceof FlagStore flags) {
                assertThat(flags.headRevision())
                        .as("flag revision after heartbeats")
                        .isEqualTo(revision);
                assertThat(flags.load().flags()).as("flags after heartbeats").isEqualTo(this.flags);
            }
        }
    }
}
