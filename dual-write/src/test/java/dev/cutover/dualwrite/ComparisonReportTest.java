package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Reads are compared, mismatches re-checked once, and reports carry paths and hashes, not values. */
class ComparisonReportTest {
    private static final Comparison FAST_RECHECK =
            Comparison.builder().recheckAfter(Duration.ofMillis(20)).build();

    @AfterAll
    static void noThreadsLeft() {
        Harness.assertNoLibraryThreads();
    }

    @Test
    void aMismatchIsReCheckedAndReportedWithPathsAndHashesOnly() {
        try (Harness h = Harness.at(Stage.SHADOW, b -> b.comparison(FAST_RECHECK))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DualWriteMetrics.of(h.orders).bindTo(registry);
            h.oldStore.put(new Order("o-1", "c", "PAID", 1));
            h.newData.put(new Order("o-1", "c", "NEW", 1));

            assertThat(h.orders.find("o-1").orElseThrow().status()).isEqualTo("PAID");
            h.idle();

            assertThat(h.listener.reports).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.MISMATCH);
                assertThat(r.isMismatch()).isTrue();
                assertThat(r.rechecked()).isTrue();
                assertThat(r.repository()).isEqualTo("OrderRepository");
                assertThat(r.entityKey()).isEqualTo("o-1");
                assertThat(r.differences()).isNotEmpty().allSatisfy(d -> {
                    assertThat(d.oldHash()).isNotNull();
                    assertThat(d.newHash()).isNotNull().isNotEqualTo(d.oldHash());
                    assertThat(d.oldValue()).isNull();
                    assertThat(d.newValue()).isNull();
                });
                assertThat(r.toString()).doesNotContain("PAID");
            });
            // the re-check read both stores again
            assertThat(h.newStore.received)
                    .filteredOn(c -> c.method().equals("find"))
                    .hasSize(2);
            assertThat(registry.get("cutover.dualwrite.comparisons")
                            .tag("method", "find")
                            .tag("outcome", "MISMATCH")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("cutover.dualwrite.latency")
                            .tag("method", "find")
                            .tag("side", "new")
                            .tag("role", "shadow")
                            .timer()
                            .count())
                    .isEqualTo(2);
            assertThat(registry.get("cutover.dualwrite.latency")
                            .tag("method", "find")
                            .tag("side", "old")
                            .tag("role", "authoritative")
                            .timer()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void valuesAppearOnlyWhenTheComparisonRevealsThem() {
        Comparison revealing = Comparison.builder()
                .recheckAfter(Duration.ofMillis(20))
                .revealValues(true)
                .build();
        try (Harness h = Harness.at(Stage.SHADOW, b -> b.comparison(revealing))) {
            h.oldStore.put(new Order("o-1", "c", "PAID", 1));
            h.newData.put(new Order("o-1", "c", "NEW", 1));
            h.orders.find("o-1");
            h.idle();
            assertThat(h.listener.reports)
                    .singleElement()
                    .satisfies(r -> assertThat(r.differences())
                            .anySatisfy(d -> assertThat(d.oldValue()).contains("PAID")));
        }
    }

    @Test
    void aKeyThatChangedBeforeTheReCheckIsChangedNotAMismatch() {
        AtomicInteger reads = new AtomicInteger();
        InMemoryOrders moving = new InMemoryOrders("old-") {
            @Override
            public Optional<Order> find(String id) {
                // a concurrent writer moves the order between the read and its re-check
                return Optional.of(new Order(id, "c", "STATUS-" + reads.incrementAndGet(), 1));
            }
        };
        try (Harness h = Harness.at(Stage.SHADOW)) {
            OrderRepository orders = DualWrite.of(OrderRepository.class)
                    .oldStore(moving)
                    .newStore(h.newStore)
                    .stageFlag(h.flags.client(), Harness.FLAG)
                    .listener(h.listener)
                    .comparison(FAST_RECHECK)
                    .build();
            try {
                orders.find("o-1");
                assertThat(DualWrite.control(orders).awaitIdle(Duration.ofSeconds(5)))
                        .isTrue();
                assertThat(h.listener.reports).singleElement().satisfies(r -> {
                    assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
                    assertThat(r.rechecked()).isTrue();
                    assertThat(r.isMismatch()).isFalse();
                });
                assertThat(DualWrite.control(orders).counts().comparisons(Outcome.MISMATCH))
                        .isZero();
                assertThat(DualWrite.control(orders).counts().comparisons(Outcome.CHANGED))
                        .isEqualTo(1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                DualWrite.control(orders).close();
            }
        }
    }

    @Test
    void aShadowThatCaughtUpByTheReCheckMatches() {
        AtomicInteger reads = new AtomicInteger();
        InMemoryOrders lagging = new InMemoryOrders("new-") {
            @Override
            public Optional<Order> find(String id) {
                return reads.incrementAndGet() == 1 ? Optional.empty() : super.find(id);
            }
        };
        try (Harness h = Harness.at(Stage.SHADOW)) {
            h.oldStore.put(new Order("o-1", "c", "NEW", 1));
            lagging.put(new Order("o-1", "c", "NEW", 1));
            OrderRepository orders = DualWrite.of(OrderRepository.class)
                    .oldStore(h.oldStore)
                    .newStore(lagging)
                    .stageFlag(h.flags.client(), Harness.FLAG)
                    .listener(h.listener)
                    .comparison(FAST_RECHECK)
                    .build();
            try {
                orders.find("o-1");
                assertThat(DualWrite.control(orders).awaitIdle(Duration.ofSeconds(5)))
                        .isTrue();
                assertThat(h.listener.reports).singleElement().satisfies(r -> {
                    assertThat(r.outcome()).isEqualTo(Outcome.MATCH);
                    assertThat(r.rechecked()).isTrue();
                });
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                DualWrite.control(orders).close();
            }
        }
    }

    @Test
    void liveComparesTheOldStoreAgainstTheNewOneWithOldAndNewInPlace() {
        try (Harness h = Harness.at(Stage.LIVE, b -> b.comparison(FAST_RECHECK))) {
            h.oldStore.put(new Order("o-1", "c", "OLD", 1));
            h.newData.put(new Order("o-1", "c", "NEW", 1));
            assertThat(h.orders.require("o-1").status()).isEqualTo("NEW");
            h.idle();
            assertThat(h.listener.reports).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.MISMATCH);
                assertThat(r.method()).isEqualTo("require");
                assertThat(r.stage()).isEqualTo(Stage.LIVE);
            });
        } catch (OrderNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aStoreSayingNotFoundWhereTheOtherHasTheOrderIsAMismatch() {
        try (Harness h = Harness.at(Stage.SHADOW, b -> b.comparison(FAST_RECHECK))) {
            h.oldStore.put(new Order("o-1", "c", "OLD", 1));
            h.orders.require("o-1");
            h.idle();
            assertThat(h.listener.reports).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.MISMATCH);
                assertThat(r.error())
                        .isEqualTo("old returned a value; new threw " + OrderNotFoundException.class.getName());
            });
        } catch (OrderNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailingShadowIsAnErrorAndASlowOneTimedOut() {
        try (Harness h = Harness.at(
                Stage.SHADOW, b -> b.shadowTimeout(Duration.ofMillis(500)).comparison(FAST_RECHECK))) {
            h.faults.put("find a", Fault.THROW);
            h.faults.put("find b", Fault.DELAY);
            h.orders.find("a");
            h.orders.find("b");
            h.idle();
            assertThat(h.listener.reports)
                    .extracting(ComparisonReport::entityKey, ComparisonReport::outcome)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("a", Outcome.ERROR),
                            org.assertj.core.groups.Tuple.tuple("b", Outcome.TIMED_OUT));
            assertThat(h.listener.reports)
                    .filteredOn(r -> r.outcome() == Outcome.ERROR)
                    .singleElement()
                    .satisfies(r -> assertThat(r.error())
                            .isEqualTo("old returned a value; new threw java.lang.IllegalStateException"));
        }
    }
}
