package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Comparison;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.JournalEntry;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.jspecify.annotations.Nullable;

/**
 * Shadow safety: for every stage and any sequence of calls, with faults injected in the new store
 * (exceptions, delays past the budget, nulls), the caller gets exactly what the authoritative store
 * alone gives; every shadow write that did not succeed is journaled; nothing reaches the shadow
 * side for a failed authoritative write; every sampled read is reported once; and no thread is
 * left after close.
 */
class ShadowSafetyProperties {
    private static final Duration BUDGET = Duration.ofMillis(40);
    private static final Duration DELAY = Duration.ofMillis(90);
    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");
    private static final List<String> FAULTABLE = faultable();

    private TestFlags flags;

    @BeforeProperty
    void startFlags() {
        flags = new TestFlags();
    }

    @AfterProperty
    void stopFlags() {
        flags.close();
        Harness.assertNoLibraryThreads();
    }

    @Property(tries = 100)
    void callerSeesOnlyTheAuthoritativeStore(
            @ForAll Stage stage, @ForAll("calls") List<Call> calls, @ForAll("faults") Map<String, Fault> faults)
            throws Exception {
        flags.set(Harness.FLAG, stage.name());
        Harness h = Harness.on(
                flags,
                DELAY,
                b -> b.shadowTimeout(BUDGET)
                        .shadowThreads(2)
                        .comparison(Comparison.builder()
                                .recheckAfter(Duration.ofMillis(5))
                                .build()));
        boolean closed = false;
        try {
            h.faults.putAll(faults);
            OrderRepository reference = stage.authoritative() == Side.OLD
                    ? new InMemoryOrders("old-")
                    : new FaultyOrders(
                            new InMemoryOrders("new-"),
                            (m, k) -> faults.getOrDefault(m + " " + k, Fault.NONE),
                            Duration.ZERO);
            Map<String, Integer> authoritativeWrites = new HashMap<>();
            int reads = 0;
            for (Call call : calls) {
                Result viaProxy = call.apply(h.orders);
                Result alone = call.apply(reference);
                assertThat(viaProxy).as("%s in %s", call, stage).isEqualTo(alone);
                if (call.write() && viaProxy.error() == null) {
                    authoritativeWrites.merge(call.method() + " " + call.key(), 1, Integer::sum);
                }
                reads += call.write() ? 0 : 1;
            }
            h.idle();

            Side shadow = stage.shadow();
            Map<String, Integer> attempted = new HashMap<>();
            Map<String, Integer> landed = new HashMap<>();
            if (shadow == Side.NEW) {
                for (FaultyOrders.Received r : h.newStore.received) {
                    if (r.method().equals("save") || r.method().equals("delete")) {
                        attempted.merge(r.method() + " " + r.key(), 1, Integer::sum);
                        landed.merge(r.method() + " " + r.key(), r.returned() ? 1 : 0, Integer::sum);
                    }
                }
            } else {
                for (InMemoryOrders.Applied a : h.oldStore.applied) {
                    if (!a.thread().equals(Thread.currentThread().getName())) {
                        attempted.merge(a.method() + " " + a.key(), 1, Integer::sum);
                        landed.merge(a.method() + " " + a.key(), 1, Integer::sum);
                    }
                }
            }
            Map<String, Integer> journaled = new HashMap<>();
            Set<String> journaledKeys = new TreeSet<>();
            for (JournalEntry e : h.journaled()) {
                FailedWrite w = e.write();
                assertThat(w.target().name())
                        .as("journal names the shadow store")
                        .isEqualTo(shadow.name());
                journaled.merge(w.method() + " " + w.entityKey(), 1, Integer::sum);
                assertThat(journaledKeys.add(String.valueOf(w.entityKey())))
                        .as("one entry per key")
                        .isTrue();
            }

            if (!stage.shadowWrites()) {
                assertThat(attempted).as("no shadow writes in " + stage).isEmpty();
                assertThat(journaled).isEmpty();
            }
            Set<String> keys = new TreeSet<>(authoritativeWrites.keySet());
            keys.addAll(attempted.keySet());
            keys.addAll(journaled.keySet());
            for (String key : keys) {
                int wanted = stage.shadowWrites() ? authoritativeWrites.getOrDefault(key, 0) : 0;
                assertThat(attempted.getOrDefault(key, 0))
                        .as("shadow writes of %s never exceed authoritative successes", key)
                        .isLessThanOrEqualTo(wanted);
                if (landed.getOrDefault(key, 0) < wanted) {
                    assertThat(journaledKeys)
                            .as("a shadow write of %s missed, so its key is journaled", key)
                            .contains(key.substring(key.indexOf(' ') + 1));
                }
            }
            assertThat(h.listener.reports).as("one report per read").hasSize(stage.shadowReads() ? reads : 0);
            assertThat(h.listener.threads).allMatch(t -> t.startsWith(Harness.THREAD_PREFIX));

            closed = true;
            assertThat(h.control.close(Duration.ofSeconds(5)))
                    .as("close drained")
                    .isTrue();
            Harness.assertNoLibraryThreads();
        } finally {
            if (!closed) {
                h.control.close(Duration.ofSeconds(5));
            }
        }
    }

    /** A result or the exception, by class and message. */
    record Result(@Nullable Object value, @Nullable String error) {
        static Result of(ThrowingSupplier s) {
            try {
                return new Result(s.get(), null);
            } catch (Exception e) {
                return new Result(null, e.getClass().getName() + ": " + e.getMessage());
            }
        }
    }

    @FunctionalInterface
    interface ThrowingSupplier {
        @Nullable
        Object get() throws Exception;
    }

    /** One generated call. */
    record Call(String method, String key, String status) {
        boolean write() {
            return method.equals("save") || method.equals("delete");
        }

        Result apply(OrderRepository repo) {
            return Result.of(() -> switch (method) {
                case "save" -> repo.save(new Order(key, "c-" + key, status, Objects.hash(key, status)));
                case "delete" -> repo.delete(key);
                case "find" -> repo.find(key);
                case "require" -> repo.require(key);
                case "findOrThrow" -> repo.findOrThrow(key);
                case "list" -> repo.list();
                case "count" -> repo.count();
                default -> throw new AssertionError(method);
            });
        }

        @Override
        public String toString() {
            return write() && method.equals("save")
                    ? method + "(" + key + "," + status + ")"
                    : method + "(" + key + ")";
        }
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        Arbitrary<String> keys = Arbitraries.of(KEYS);
        Arbitrary<Call> keyed = Combinators.combine(
                        Arbitraries.of("save", "save", "delete", "find", "require", "findOrThrow"),
                        keys,
                        Arbitraries.of("NEW", "PAID", "SHIPPED"))
                .as(Call::new);
        Arbitrary<Call> whole = Arbitraries.of("list", "count").map(m -> new Call(m, "*", ""));
        return Arbitraries.frequencyOf(Tuple.of(5, keyed), Tuple.of(1, whole))
                .list()
                .ofMinSize(1)
                .ofMaxSize(12);
    }

    @Provide
    Arbitrary<Map<String, Fault>> faults() {
        Arbitrary<Fault> fault = Arbitraries.frequency(
                Tuple.of(55, Fault.NONE),
                Tuple.of(20, Fault.THROW),
                Tuple.of(12, Fault.DELAY),
                Tuple.of(13, Fault.NULL));
        return fault.list().ofSize(FAULTABLE.size()).map(list -> {
            Map<String, Fault> m = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                m.put(FAULTABLE.get(i), list.get(i));
            }
            return m;
        });
    }

    private static List<String> faultable() {
        List<String> all = new ArrayList<>();
        for (String method : List.of("save", "delete", "find", "require")) {
            for (String key : KEYS) {
                all.add(method + " " + key);
            }
        }
        all.add("list *");
        all.add("count *");
        return all;
    }
}
