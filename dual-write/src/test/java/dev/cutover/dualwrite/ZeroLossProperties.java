package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.Gap;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.RepairResult;
import dev.cutover.testkit.TestFlags;
import dev.cutover.testsupport.Chaos;
import dev.cutover.testsupport.LongRuns;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Nothing unrecorded, under overload and every fault: a chaos property over the dual-write proxy.
 *
 * <p>Each try runs 4 to 8 caller threads writing as fast as they can (saves and deletes over a
 * small key space) through a proxy with one shadow thread and a short queue, so the shadow side is
 * overloaded many times over; the new store throws, stalls past the budget, and goes down for whole
 * periods (the breaker opens and must recover); a walker moves the stage forward and back between
 * DUAL_WRITE and SHADOW (OLD_ONLY writes one store by design: the backfill covers it); the bound on keys waiting for the journal is sometimes
 * tiny, so gaps must open. The journal is in memory, on embedded PostgreSQL, or on PostgreSQL and
 * down whenever the new store is (a journal on the failing server). After each try, once drained:
 *
 * <ul>
 *   <li>no caller saw anything but the old (authoritative) store's result;
 *   <li>every key whose stores differ is pending in the journal, or was written inside a recorded gap;
 *   <li>the journal never holds more entries than distinct keys were written;
 *   <li>a journal repair ({@link JournalRepair}, through the proxy's own stores), plus a full
 *       copy where a gap is open, leaves no drift and closes the gaps.
 * </ul>
 *
 * <p>Tries: 30 with the journal in memory, 12 on PostgreSQL, 10 down with the store: 52. With
 * {@code -Dcutover.long=true}, 1,050 more over the three journals; {@code
 * -Dcutover.chaos.millis=3000} (default 150) runs each try's traffic for longer. Each caller writes its own keys: concurrent
 * writes of one key from two callers can reach the shadow store in another order than the
 * authoritative one, which reconciliation (not the journal) repairs.
 */
class ZeroLossProperties {
    private static final String FLAG = "orders.migration";
    private static final long TRAFFIC_MILLIS = Long.getLong("cutover.chaos.millis", 150);
    private static final Duration BUDGET = Duration.ofMillis(20);

    record Try(
            int callers,
            int keys,
            double throwRate,
            double stallRate,
            int shadowQueue,
            int pendingKeysBound,
            long downFrom,
            long downFor,
            int stageMoves) {}

    @Provide
    Arbitrary<Try> chaos() {
        return Combinators.combine(
                        Arbitraries.integers().between(4, 8),
                        Arbitraries.integers().between(5, 60),
                        Arbitraries.doubles().between(0, 0.2),
                        Arbitraries.doubles().between(0, 0.05),
                        Arbitraries.integers().between(1, 16),
                        Arbitraries.oneOf(Arbitraries.integers().between(1, 20), Arbitraries.just(1_000_000)),
                        Arbitraries.longs().between(0, TRAFFIC_MILLIS / 2),
                        Arbitraries.longs().between(0, TRAFFIC_MILLIS / 2))
                .flatAs((callers, keys, throwRate, stallRate, queue, bound, downFrom, downFor) -> Arbitraries.integers()
                        .between(0, 6)
                        .map(moves ->
                                new Try(callers, keys, throwRate, stallRate, queue, bound, downFrom, downFor, moves)));
    }

    @Property(tries = 30)
    void nothingUnrecordedWithTheJournalInMemory(@ForAll("chaos") Try chaos) throws Exception {
        run(chaos, Chaos.Journal.MEMORY);
    }

    @Property(tries = 12)
    void nothingUnrecordedWithTheJournalOnPostgres(@ForAll("chaos") Try chaos) throws Exception {
        run(chaos, Chaos.Journal.POSTGRES);
    }

    @Property(tries = 10)
    void nothingUnrecordedWithTheJournalDownWithTheStore(@ForAll("chaos") Try chaos) throws Exception {
        run(chaos, Chaos.Journal.POSTGRES_DOWN_WITH_STORE);
    }

    /** The long variant of all three, 1,050 tries ({@code -Dcutover.long=true}). */
    @Property(tries = 1_050)
    @Tag(LongRuns.TAG)
    void nothingUnrecordedInTheLongRun(@ForAll("chaos") Try chaos, @ForAll Chaos.Journal kind) throws Exception {
        run(chaos, kind);
    }

    /** Keys written, with the time range of the calls that wrote them. */
    private record Written(Instant first, Instant last) {}

    private void run(Try chaos, Chaos.Journal kind) throws Exception {
        AtomicBoolean down = new AtomicBoolean();
        AtomicBoolean calm = new AtomicBoolean();
        InMemoryOrders oldStore = new InMemoryOrders("old-");
        InMemoryOrders newData = new InMemoryOrders("new-");
        FaultyOrders newStore = new FaultyOrders(
                newData,
                (method, key) -> {
                    if (down.get()) {
                        return Fault.THROW;
                    }
                    if (calm.get()) {
                        return Fault.NONE;
                    }
                    double r = ThreadLocalRandom.current().nextDouble();
                    return r < chaos.throwRate()
                            ? Fault.THROW
                            : r < chaos.throwRate() + chaos.stallRate() ? Fault.DELAY : Fault.NONE;
                },
                BUDGET.multipliedBy(3));
        FailedWriteJournal journal = Chaos.journal(kind, down);
        TestFlags flags = new TestFlags();
        flags.set(FLAG, Stage.DUAL_WRITE.name());
        OrderRepository orders = DualWrite.of(OrderRepository.class)
                .oldStore(oldStore)
                .newStore(newStore)
                .stageFlag(flags.client(), FLAG)
                .entityKey("save", a -> ((Order) a[0]).id())
                .entityKey("delete", a -> (String) a[0])
                .journal(journal)
                .shadowThreads(1)
                .shadowQueue(chaos.shadowQueue())
                .shadowTimeout(BUDGET)
                .pendingKeysBound(chaos.pendingKeysBound())
                .runHeartbeat(Duration.ofMillis(200))
                .circuitBreaker(CircuitBreakerConfig.custom()
                        .slidingWindowSize(10)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofMillis(30))
                        .permittedNumberOfCallsInHalfOpenState(2)
                        .build())
                .build();
        DualWriteControl control = DualWrite.control(orders);
        Map<String, Written> written = new ConcurrentHashMap<>();
        List<Throwable> callerSaw = new ArrayList<>();
        try {
            long start = System.nanoTime();
            long end = start + Duration.ofMillis(TRAFFIC_MILLIS).toNanos();
            Chaos schedule = new Chaos();
            schedule.outage(down, chaos.downFrom(), chaos.downFor());
            AtomicReference<Stage> stage = new AtomicReference<>(Stage.DUAL_WRITE);
            ThreadLocalRandom.current()
                    .longs(chaos.stageMoves(), 1, Math.max(2, TRAFFIC_MILLIS))
                    .sorted()
                    .forEach(at -> schedule.at(
                            at,
                            () -> flags.set(
                                    FLAG,
                                    stage.updateAndGet(s -> s == Stage.SHADOW ? Stage.DUAL_WRITE : Stage.SHADOW)
                                            .name())));
            List<Thread> threads = Chaos.started(chaos.callers(), caller -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    String key = "k" + caller + "-" + random.nextInt(chaos.keys());
                    Instant before = Instant.now();
                    try {
                        if (random.nextInt(5) == 0) {
                            orders.delete(key);
                        } else {
                            Order saved = orders.save(new Order(key, "c", "NEW", random.nextInt(1000)));
                            if (saved == null || !key.equals(saved.id())) {
                                throw new AssertionError("the caller got " + saved + " for a save of " + key);
                            }
                        }
                    } catch (Throwable t) {
                        synchronized (callerSaw) {
                            callerSaw.add(t);
                        }
                    }
                    Instant after = Instant.now();
                    written.merge(key, new Written(before, after), (a, b) -> new Written(a.first(), b.last()));
                }
            });
            for (Thread t : threads) {
                t.join();
            }
            schedule.close();
            down.set(false);
            assertThat(callerSaw).as("callers saw only the old store's results").isEmpty();
            assertThat(control.awaitIdle(Duration.ofSeconds(60))).as("drained").isTrue();

            // every key whose stores differ is journaled, or was written inside a recorded gap
            Set<String> pending = new HashSet<>();
            List<JournalEntry> entries = journal.pending(0, Integer.MAX_VALUE);
            for (JournalEntry e : entries) {
                assertThat(e.write().target()).isEqualTo(FailedWrite.Target.NEW);
                assertThat(pending.add(e.write().entityKey()))
                        .as("one entry per key: %s", e.write().entityKey())
                        .isTrue();
            }
            assertThat(entries.size())
                    .as("journal entries never exceed distinct keys")
                    .isLessThanOrEqualTo(written.size());
            List<Gap> gaps = journal.openGaps(Instant.now());
            for (Map.Entry<String, Written> w : written.entrySet()) {
                String key = w.getKey();
                if (!oldStore.peek(key).equals(newData.peek(key)) && !pending.contains(key)) {
                    assertThat(gaps)
                            .as(
                                    "%s differs (old %s, new %s) and is not journaled: a gap must cover it",
                                    key, oldStore.peek(key), newData.peek(key))
                            .anySatisfy(g -> {
                                assertThat(g.from())
                                        .isBeforeOrEqualTo(
                                                w.getValue().last().plus(BUDGET).plusSeconds(1));
                                assertThat(g.to()).isAfterOrEqualTo(w.getValue().first());
                            });
                }
            }
            if (control.journalStatus().pastBound() > 0) {
                assertThat(gaps).as("writes past the bound opened a gap").isNotEmpty();
            }

            // the stage may not move past SHADOW while a gap is open; repair closes them
            if (!gaps.isEmpty()) {
                flags.set(FLAG, Stage.SHADOW.name());
                Instant reconciliationStarted = Instant.now();
                for (String key : written.keySet()) {
                    copy(oldStore, newData, key);
                }
                journal.closeGaps(reconciliationStarted);
            }
            // the new store recovers; the journal's keys are repaired through the proxy's own stores
            calm.set(true);
            control.circuitBreaker(Side.NEW).reset();
            for (int pass = 0; pass < 20 && journal.pendingCount() > 0; pass++) {
                RepairResult repaired = JournalRepair.of(orders, journal)
                        .read("find")
                        .write("save")
                        .delete("delete")
                        .run();
                assertThat(repaired.failed() == 0 || pass < 19)
                        .as("repair pass %s: %s", pass, repaired)
                        .isTrue();
            }
            for (String key : written.keySet()) {
                assertThat(newData.peek(key))
                        .as("no drift for %s after repair", key)
                        .isEqualTo(oldStore.peek(key));
            }
            assertThat(journal.openGaps(Instant.now()))
                    .as("repair closed every gap")
                    .isEmpty();
            assertThat(journal.pendingCount()).isZero();
        } finally {
            assertThat(control.close(Duration.ofSeconds(10)))
                    .as("closed cleanly")
                    .isTrue();
            flags.close();
        }
        // a clean close removed the run record
        assertThat(journal.gaps())
                .as("no run record left after a clean close")
                .noneMatch(g -> g.kind() == Gap.Kind.RUN);
    }

    private static void copy(InMemoryOrders from, InMemoryOrders to, String key) {
        Optional<Order> o = from.peek(key);
        if (o.isPresent()) {
            to.put(o.get());
        } else {
            to.delete(key);
        }
    }
}
