package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Comparison;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.testkit.Eventually;
import dev.cutover.testsupport.FailingJournal;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The shadow side never hurts the caller: budget, shedding, breaker, journal, handoff, close. */
class ShadowIsolationTest {

    @AfterAll
    static void noThreadsLeft() {
        Harness.assertNoLibraryThreads();
    }

    private static List<FailedWrite.Reason> reasons(Harness h) {
        return h.journaled().stream().map(e -> e.write().reason()).toList();
    }

    @Test
    void shadowWritesOfOneKeyApplyInTheOrderTheCallerMadeThem() {
        java.util.Map<String, List<String>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        InMemoryOrders recording = new InMemoryOrders("new-") {
            @Override
            public Order save(Order order) {
                seen.computeIfAbsent(
                                order.id(), k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
                        .add(order.status());
                return super.save(order);
            }
        };
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            OrderRepository orders = DualWrite.of(OrderRepository.class)
                    .oldStore(h.oldStore)
                    .newStore(recording)
                    .stageFlag(h.flags.client(), Harness.FLAG)
                    .entityKey("save", a -> ((Order) a[0]).id())
                    .journal(h.journal)
                    .shadowThreads(4)
                    .shadowTimeout(Duration.ofSeconds(30))
                    .build();
            DualWriteControl control = DualWrite.control(orders);
            try {
                List<String> versions = java.util.stream.IntStream.range(0, 60)
                        .mapToObj(v -> "v" + v)
                        .toList();
                for (String version : versions) {
                    for (int k = 0; k < 12; k++) {
                        orders.save(new Order("o-" + k, "c", version, k));
                    }
                }
                assertThat(control.awaitIdle(Duration.ofSeconds(10))).isTrue();
                assertThat(h.journaled()).isEmpty();
                assertThat(seen)
                        .hasSize(12)
                        .allSatisfy((key, applied) -> assertThat(applied).isEqualTo(versions));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                control.close();
            }
        }
    }

    @Test
    void aSlowShadowDoesNotSlowTheCallerAndIsJournaledTimedOut() {
        try (Harness h = Harness.at(Stage.SHADOW, b -> b.shadowTimeout(Duration.ofMillis(600)))) {
            h.faults.put("save o-1", Fault.DELAY); // 2 s, past the 600 ms budget
            h.faults.put("find o-1", Fault.DELAY);

            long start = System.nanoTime();
            h.orders.save(new Order("o-1", "c", "NEW", 1));
            h.orders.find("o-1");
            long callerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            h.idle();

            assertThat(callerMillis).as("caller waited for the shadow").isLessThan(1_000);
            assertThat(reasons(h)).containsExactly(FailedWrite.Reason.TIMED_OUT);
            assertThat(h.journaled().get(0).write()).satisfies(w -> {
                assertThat(w.method()).isEqualTo("save");
                assertThat(w.entityKey()).isEqualTo("o-1");
                assertThat(w.target()).isEqualTo(FailedWrite.Target.NEW);
            });
            // the find waited behind the save in the lane of key o-1, past its own budget
            assertThat(h.listener.outcomes())
                    .singleElement()
                    .isIn(ComparisonReport.Outcome.SHED, ComparisonReport.Outcome.TIMED_OUT);
            assertThat(h.listener.failedWrites).hasSize(1);
        }
    }

    /** A new store whose saves block until released. */
    static final class BlockingOrders extends InMemoryOrders {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        BlockingOrders() {
            super("new-");
        }

        @Override
        public Order save(Order order) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            return super.save(order);
        }
    }

    @Test
    void aFullQueueShedsAndJournalsShed() {
        BlockingOrders blocking = new BlockingOrders();
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            OrderRepository orders = DualWrite.of(OrderRepository.class)
                    .oldStore(h.oldStore)
                    .newStore(blocking)
                    .stageFlag(h.flags.client(), Harness.FLAG)
                    .entityKey("save", a -> ((Order) a[0]).id())
                    .journal(h.journal)
                    .shadowThreads(1)
                    .shadowQueue(2)
                    .shadowTimeout(Duration.ofSeconds(30))
                    .build();
            DualWriteControl control = DualWrite.control(orders);
            try {
                orders.save(new Order("o-0", "c", "NEW", 0));
                assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i <= 5; i++) {
                    orders.save(new Order("o-" + i, "c", "NEW", i)); // 2 wait, 3 are shed
                }
                // one running, two waiting; the shed ones are already keys in the ledger
                assertThat(control.pendingShadowWork()).isEqualTo(3);
                blocking.release.countDown();
                assertThat(control.awaitIdle(Duration.ofSeconds(10))).isTrue();

                List<JournalEntry> journaled = h.journaled();
                assertThat(journaled)
                        .extracting(e -> e.write().reason())
                        .containsOnly(FailedWrite.Reason.SHED)
                        .hasSize(3);
                assertThat(journaled)
                        .extracting(e -> e.write().entityKey())
                        .containsExactlyInAnyOrder("o-3", "o-4", "o-5");
                assertThat(journaled.get(0).write().detail()).contains("queue was full");
                assertThat(blocking.count()).isEqualTo(3);
                assertThat(control.counts().shadowWritesMissed(FailedWrite.Reason.SHED))
                        .isEqualTo(3);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                blocking.release.countDown();
                control.close();
            }
        }
    }

    @Test
    void theCircuitOpensOnAFailingShadowAndIsProbedLater() {
        CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(300))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build();
        try (Harness h = Harness.at(Stage.DUAL_WRITE, b -> b.circuitBreaker(breaker))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DualWriteMetrics.of(h.orders).bindTo(registry);
            for (int i = 0; i < 4; i++) {
                h.faults.put("save k" + i, Fault.THROW);
                h.orders.save(new Order("k" + i, "c", "NEW", i));
            }
            h.idle();
            assertThat(h.control.circuitBreaker(Side.NEW).getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(registry.get("cutover.dualwrite.circuit.open")
                            .tag("side", "new")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);

            h.orders.save(new Order("k9", "c", "NEW", 9));
            h.stage(Stage.SHADOW);
            h.orders.find("k9");
            h.idle();
            assertThat(h.newStore.received).noneMatch(r -> r.key().equals("k9"));
            assertThat(reasons(h)).endsWith(FailedWrite.Reason.CIRCUIT_OPEN);
            assertThat(h.listener.outcomes()).containsExactly(ComparisonReport.Outcome.SKIPPED_CIRCUIT_OPEN);

            // the new store recovers; once the open wait passes, a probe goes through and closes it
            h.faults.clear();
            Eventually.within(Duration.ofSeconds(10), "the breaker closes after a probe", () -> {
                h.orders.save(new Order("probe", "c", "NEW", 0));
                h.idle();
                return h.control.circuitBreaker(Side.NEW).getState() == CircuitBreaker.State.CLOSED;
            });
            assertThat(h.newData.peek("probe")).isPresent();
        }
    }

    @Test
    void theHandoffGivesTheShadowTheGeneratedId() {
        WriteHandoff handoff = (method, args, result) -> method.getName().equals("save") ? new Object[] {result} : args;
        try (Harness h = Harness.at(Stage.DUAL_WRITE, b -> b.handoff(handoff))) {
            Order saved = h.orders.save(new Order(null, "c", "NEW", 1));
            h.idle();
            assertThat(saved.id()).isEqualTo("old-1");
            assertThat(h.newData.list()).containsExactly(saved);
        }
        // without it, each store generates its own id
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            h.orders.save(new Order(null, "c", "NEW", 1));
            h.idle();
            assertThat(h.newData.list()).extracting(Order::id).containsExactly("new-1");
        }
    }

    @Test
    void aHandoffThatFailsIsJournaledAndTheCallerIsUnaffected() {
        WriteHandoff throwing = (method, args, result) -> {
            throw new IllegalStateException("bug in handoff");
        };
        try (Harness h = Harness.at(Stage.LIVE, b -> b.handoff(throwing))) {
            h.orders.save(new Order("o-1", "c", "NEW", 1));
            h.idle();
            assertThat(h.journaled()).singleElement().satisfies(e -> {
                assertThat(e.write().reason()).isEqualTo(FailedWrite.Reason.FAILED);
                assertThat(e.write().target()).isEqualTo(FailedWrite.Target.OLD);
                assertThat(e.write().detail()).contains("handoff threw java.lang.IllegalStateException");
            });
        }
        try (Harness h = Harness.at(Stage.DUAL_WRITE, b -> b.handoff((m, a, r) -> new Object[0]))) {
            h.orders.save(new Order("o-1", "c", "NEW", 1));
            h.idle();
            assertThat(h.journaled())
                    .singleElement()
                    .satisfies(e -> assertThat(e.write().detail()).contains("returned 0 argument(s)"));
        }
    }

    @Test
    void aJournalThatThrowsKeepsTheKeyInMemoryUntilItRecovers() throws Exception {
        FailingJournal<InMemoryFailedWriteJournal> journal = new FailingJournal<>(new InMemoryFailedWriteJournal());
        try (Harness h = Harness.at(Stage.DUAL_WRITE, b -> b.journal(journal))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DualWriteMetrics.of(h.orders).bindTo(registry);
            journal.down.set(true);
            h.faults.put("save o-1", Fault.THROW);
            assertThat(h.orders.save(new Order("o-1", "c", "NEW", 1)).id()).isEqualTo("o-1");
            Eventually.within(
                    Duration.ofSeconds(10),
                    "the journal failed and was counted",
                    () -> h.control.counts().journalErrors() >= 1);
            assertThat(h.control.journalStatus().waiting())
                    .as("the key waits in memory")
                    .isEqualTo(1);
            assertThat(registry.get("cutover.dualwrite.journal.errors")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(registry.get("cutover.dualwrite.shadow.writes")
                            .tag("outcome", "FAILED")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            journal.down.set(false);
            h.idle();
            assertThat(h.control.journalStatus().waiting()).isZero();
            assertThat(journal.delegate.pending())
                    .singleElement()
                    .satisfies(e -> assertThat(e.write().entityKey()).isEqualTo("o-1"));
        }
    }

    @Test
    void aListenerThatThrowsIsCountedAndNeverReachesTheCaller() {
        MigrationListener throwing = new MigrationListener() {
            @Override
            public void onComparison(ComparisonReport report) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onShadowWriteFailed(FailedWrite write) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (Harness h = Harness.at(Stage.SHADOW, b -> b.listener(throwing))) {
            h.faults.put("save o-1", Fault.THROW);
            h.orders.save(new Order("o-1", "c", "NEW", 1));
            assertThat(h.orders.find("o-1")).isPresent();
            h.idle();
            assertThat(h.control.counts().listenerErrors()).isEqualTo(2);
            assertThat(h.journaled()).hasSize(1);
        }
    }

    @Test
    void unsampledReadsAreNotShadowed() {
        try (Harness h = Harness.at(
                Stage.SHADOW,
                b -> b.comparison(Comparison.builder().sampleRate(0).build()))) {
            for (int i = 0; i < 20; i++) {
                h.orders.find("o-" + i);
            }
            h.idle();
            assertThat(h.newStore.received).isEmpty();
            assertThat(h.listener.reports).isEmpty();
        }
    }

    @Test
    void closeCancelsRunningAndQueuedWorkWithinItsBoundAndStopsEveryThread() throws Exception {
        Harness h = Harness.at(Stage.DUAL_WRITE, b -> b.shadowThreads(1).shadowTimeout(Duration.ofSeconds(30)));
        try {
            h.faults.put("save o-0", Fault.DELAY); // 2 s, interruptible
            h.orders.save(new Order("o-0", "c", "NEW", 0));
            Eventually.within(
                    Duration.ofSeconds(5),
                    "the slow shadow write started",
                    () -> !libraryShadowThreads().isEmpty());
            for (int i = 1; i <= 3; i++) {
                h.orders.save(new Order("o-" + i, "c", "NEW", i));
            }

            long start = System.nanoTime();
            boolean clean = h.control.close(Duration.ofMillis(400));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(clean).as("work was cancelled").isFalse();
            assertThat(millis).isLessThan(1_900);
            Harness.assertNoLibraryThreads();
            assertThat(h.journaled())
                    .extracting(e -> e.write().reason())
                    .containsOnly(FailedWrite.Reason.CANCELLED)
                    .hasSize(4);
            assertThat(h.control.isClosed()).isTrue();
            assertThat(h.control.close(Duration.ofSeconds(1))).as("idempotent").isFalse();

            // after close: the authoritative store still serves, and shadowed writes are journaled
            h.orders.save(new Order("o-9", "c", "NEW", 9));
            assertThat(h.oldStore.peek("o-9")).isPresent();
            assertThat(h.orders.find("o-9")).isPresent();
            assertThat(h.journaled()).last().satisfies(e -> {
                assertThat(e.write().entityKey()).isEqualTo("o-9");
                assertThat(e.write().reason()).isEqualTo(FailedWrite.Reason.CANCELLED);
                assertThat(e.write().detail()).contains("proxy was closed");
            });
            assertThat(h.newData.peek("o-9")).isEmpty();
            Harness.assertNoLibraryThreads();
        } finally {
            h.control.close(Duration.ofSeconds(1));
            h.flags.close();
        }
    }

    @Test
    void closeDrainsPendingWorkWhenItFitsTheBound() throws Exception {
        Harness h = Harness.at(Stage.DUAL_WRITE);
        try {
            for (int i = 0; i < 50; i++) {
                h.orders.save(new Order("o-" + i, "c", "NEW", i));
            }
            assertThat(h.control.close(Duration.ofSeconds(10))).isTrue();
            assertThat(h.newData.count()).isEqualTo(50);
            assertThat(h.journaled()).isEmpty();
            Harness.assertNoLibraryThreads();
        } finally {
            h.flags.close();
        }
    }

    private static List<String> libraryShadowThreads() {
        return Harness.libraryThreads().stream()
                .filter(n -> n.contains("-shadow-"))
                .toList();
    }
}
