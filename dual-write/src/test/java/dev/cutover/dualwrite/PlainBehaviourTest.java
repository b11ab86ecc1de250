package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** default methods, equals/hashCode/toString and exceptions behave as on a plain implementation. */
class PlainBehaviourTest {

    @AfterAll
    static void noThreadsLeft() {
        Harness.assertNoLibraryThreads();
    }

    @Test
    void defaultMethodsRunTheirBodyAgainstTheProxy() throws Exception {
        try (Harness h = Harness.at(Stage.SHADOW)) {
            h.oldStore.put(new Order("o-1", "c", "NEW", 1));
            h.newData.put(new Order("o-1", "c", "NEW", 1));

            assertThat(h.orders.findOrThrow("o-1").id()).isEqualTo("o-1");
            assertThatThrownBy(() -> h.orders.findOrThrow("o-2")).isInstanceOf(OrderNotFoundException.class);
            h.idle();

            // the body called find through the proxy: both finds were shadow-read and compared
            assertThat(h.listener.reports).extracting(ComparisonReport::method).containsExactly("find", "find");
            assertThat(h.listener.outcomes()).containsOnly(ComparisonReport.Outcome.MATCH);
        }
    }

    /** Not public: the proxy cannot use invokeDefault and falls back to a private lookup. */
    interface Greetings {
        Optional<String> findName(String id);

        default String greet(String id) throws OrderNotFoundException {
            return "hello " + findName(id).orElseThrow(() -> new OrderNotFoundException(id));
        }
    }

    @Test
    void defaultMethodsOfANonPublicInterfaceRunToo() throws Exception {
        try (Harness h = Harness.at(Stage.SHADOW)) {
            Greetings names = id -> id.equals("ann") ? Optional.of("Ann") : Optional.empty();
            Greetings greetings = DualWrite.of(Greetings.class)
                    .oldStore(names)
                    .newStore(id -> Optional.of("Ann"))
                    .stageFlag(h.flags.client(), Harness.FLAG)
                    .listener(h.listener)
                    .build();
            try {
                assertThat(greetings.greet("ann")).isEqualTo("hello Ann");
                assertThatThrownBy(() -> greetings.greet("bob")).isInstanceOf(OrderNotFoundException.class);
                assertThat(DualWrite.control(greetings).awaitIdle(java.time.Duration.ofSeconds(5)))
                        .isTrue();
                assertThat(h.listener.reports)
                        .extracting(ComparisonReport::method)
                        .containsExactly("findName", "findName");
            } finally {
                DualWrite.control(greetings).close();
            }
        }
    }

    @Test
    void checkedExceptionsPassThroughUnchanged() {
        OrderNotFoundException thrown = new OrderNotFoundException("x");
        InMemoryOrders old = new InMemoryOrders("old-") {
            @Override
            public Order require(String id) throws OrderNotFoundException {
                throw thrown;
            }
        };
        try (Harness h = Harness.at(Stage.SHADOW)) {
            OrderRepository orders = DualWrite.of(OrderRepository.class)
                    .oldStore(old)
                    .newStore(h.newStore)
                    .stageFlag(h.flags.client(), Harness.FLAG)
                    .listener(h.listener)
                    .build();
            try {
                assertThatThrownBy(() -> orders.require("x")).isSameAs(thrown);
                assertThat(DualWrite.control(orders).awaitIdle(java.time.Duration.ofSeconds(5)))
                        .isTrue();
                // both stores said "not found": a match, not a mismatch
                assertThat(h.listener.outcomes()).containsExactly(ComparisonReport.Outcome.MATCH);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                DualWrite.control(orders).close();
            }
        }
    }

    @Test
    void aFailedAuthoritativeWriteIsRethrownAsIsAndNotShadowed() {
        IllegalStateException boom = new IllegalStateException("old store down");
        InMemoryOrders old = new InMemoryOrders("old-") {
            @Override
            public Order save(Order order) {
                throw boom;
            }
        };
        try (Harness h = Harness.at(Stage.DUAL_WRITE)) {
            OrderRepository orders = DualWrite.of(OrderRepository.class)
                    .oldStore(old)
                    .newStore(h.newStore)
                    .stageFlag(h.flags.client(), Harness.FLAG)
                    .journal(h.journal)
                    .build();
            try {
                assertThatThrownBy(() -> orders.save(new Order("o-1", "c", "NEW", 1)))
                        .isSameAs(boom);
                assertThat(DualWrite.control(orders).awaitIdle(java.time.Duration.ofSeconds(5)))
                        .isTrue();
                assertThat(h.newStore.received).isEmpty();
                assertThat(h.journaled()).isEmpty();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                DualWrite.control(orders).close();
            }
        }
    }

    @Test
    void equalsHashCodeAndToStringAreTheProxysOwn() {
        try (Harness h = Harness.at(Stage.OLD_ONLY);
                Harness other = Harness.at(Stage.OLD_ONLY)) {
            assertThat(h.orders).isEqualTo(h.orders);
            assertThat(h.orders).isNotEqualTo(other.orders);
            assertThat(h.orders.equals(null)).isFalse();
            assertThat(h.orders.hashCode()).isEqualTo(System.identityHashCode(h.orders));
            assertThat(h.orders).hasToString("DualWrite[OrderRepository, flag orders.migration]");
            assertThat(h.oldStore.applied).isEmpty();
        }
    }

    @Test
    void nullResultsAndNullArgumentsPassThrough() {
        try (Harness h = Harness.at(Stage.LIVE)) {
            h.faults.put("find k", Fault.NULL);
            Optional<Order> none = h.orders.find("k");
            assertThat(none).isNull();
            assertThatThrownBy(() -> h.orders.find(null)).isInstanceOf(NullPointerException.class);
            h.idle();
        }
    }
}
