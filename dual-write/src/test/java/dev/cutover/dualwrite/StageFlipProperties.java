package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.FailedWrite;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

/**
 * Stage flips during concurrent traffic: many threads write and read while the stage flag walks
 * back and forth one step at a time. From what the stores and the journal saw, each call is
 * assigned the stages it could have run in; it must fit one stage (never a mix, never a shadow
 * write on the authoritative store, never two shadow writes) that the flag held during the call,
 * and no write may be only in a store that was not authoritative without a journal entry.
 */
class StageFlipProperties {

    /** One call: its key, and the walk indexes published before it started and after it ended. */
    record Call(String key, String thread, int before, int after) {}

    private static final int OPS_PER_THREAD = 150;

    @Property(tries = 8, shrinking = ShrinkingMode.OFF)
    void noCallSeesTwoStagesAndNoWriteIsLost(
            @ForAll("walks") List<Stage> walk, @ForAll @IntRange(min = 4, max = 8) int threads) throws Exception {
        try (TestFlags flags = new TestFlags()) {
            flags.set(Harness.FLAG, walk.get(0).name());
            Harness h = Harness.on(
                    flags,
                    Duration.ofSeconds(1),
                    b -> b.shadowTimeout(Duration.ofSeconds(5)).shadowQueue(5_000));
            try {
                // saves take a little while, so flips often land while a call is under way
                h.oldStore.saveNanos = 100_000;
                h.newData.saveNanos = 100_000;
                AtomicInteger published = new AtomicInteger();
                AtomicInteger ops = new AtomicInteger();
                ConcurrentLinkedQueue<Call> writes = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Call> reads = new ConcurrentLinkedQueue<>();
                ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
                CountDownLatch started = new CountDownLatch(threads);
                List<Thread> workers = new ArrayList<>();
                for (int w = 0; w < threads; w++) {
                    String name = "worker-" + w;
                    Thread t = new Thread(
                            () -> {
                                started.countDown();
                                try {
                                    for (int n = 0; n < OPS_PER_THREAD; n++) {
                                        String key = name + "-" + n;
                                        int before = published.get();
                                        h.orders.save(new Order(key, "c", "NEW", n));
                                        writes.add(new Call(key, name, before, published.get()));
                                        before = published.get();
                                        h.orders.find(key);
                                        reads.add(new Call(key, name, before, published.get()));
                                        ops.incrementAndGet();
                                    }
                                } catch (Throwable e) {
                                    errors.add(e);
                                }
                            },
                            name);
                    workers.add(t);
                    t.start();
                }
                started.await();
                // flip on the workers' progress, not on time, so every stage sees traffic however slow the machine
                int total = threads * OPS_PER_THREAD;
                for (int i = 1; i < walk.size(); i++) {
                    int due = total * i / walk.size();
                    while (ops.get() < due && workers.stream().anyMatch(Thread::isAlive)) {
                        LockSupport.parkNanos(200_000L);
                    }
                    flags.set(Harness.FLAG, walk.get(i).name());
                    published.set(i);
                }
                for (Thread t : workers) {
                    t.join();
                }
                h.idle();

                assertThat(errors).isEmpty();
                assertThat(h.control.counts().journalErrors())
                        .as("every missed write journaled")
                        .isZero();
                Map<String, List<InMemoryOrders.Applied>> applied = new HashMap<>();
                for (InMemoryOrders store : List.of(h.oldStore, h.newData)) {
                    String side = store == h.oldStore ? "OLD" : "NEW";
                    for (InMemoryOrders.Applied a : store.applied) {
                        applied.computeIfAbsent(a.key(), k -> new ArrayList<>())
                                .add(new InMemoryOrders.Applied(side, a.key(), a.thread()));
                    }
                }
                Map<String, List<FailedWrite>> journaled = new HashMap<>();
                h.journaled()
                        .forEach(e -> journaled
                                .computeIfAbsent(e.write().entityKey(), k -> new ArrayList<>())
                                .add(e.write()));

                for (Call c : writes) {
                    Set<Stage> window = window(walk, c);
                    List<InMemoryOrders.Applied> landed = applied.getOrDefault(c.key(), List.of());
                    List<InMemoryOrders.Applied> auth = landed.stream()
                            .filter(a -> a.thread().equals(c.thread()))
                            .toList();
                    List<InMemoryOrders.Applied> shadow = landed.stream()
                            .filter(a -> !a.thread().equals(c.thread()))
                            .toList();
                    List<FailedWrite> missed = journaled.getOrDefault(c.key(), List.of());
                    assertThat(auth).as("%s written once by its caller", c).hasSize(1);
                    Side authSide = Side.valueOf(auth.get(0).method());
                    assertThat(shadow).as("%s shadow-written at most once", c).hasSizeLessThanOrEqualTo(1);
                    assertThat(missed).as("%s journaled at most once", c).hasSizeLessThanOrEqualTo(1);
                    shadow.forEach(s -> assertThat(s.method())
                            .as("%s shadow on the other store", c)
                            .isNotEqualTo(authSide.name()));
                    missed.forEach(m -> assertThat(m.target().name())
                            .as("%s journal target", c)
                            .isNotEqualTo(authSide.name()));
                    boolean shadowed = !shadow.isEmpty() || !missed.isEmpty();
                    Set<Stage> fits = EnumSet.noneOf(Stage.class);
                    for (Stage s : Stage.values()) {
                        if (s.authoritative() == authSide && s.shadowWrites() == shadowed) {
                            fits.add(s);
                        }
                    }
                    assertThat(fits)
                            .as("%s ran in one of %s, the flag held %s", c, fits, window)
                            .containsAnyElementsOf(window);
                }

                Map<String, List<ComparisonReport>> reports = new HashMap<>();
                h.listener.reports.forEach(r -> reports.computeIfAbsent(r.entityKey(), k -> new ArrayList<>())
                        .add(r));
                for (Call c : reads) {
                    Set<Stage> window = window(walk, c);
                    List<String> authReads = new ArrayList<>();
                    h.oldStore.finds.stream()
                            .filter(r -> r.key().equals(c.key()) && r.thread().equals(c.thread()))
                            .forEach(r -> authReads.add("OLD"));
                    h.newData.finds.stream()
                            .filter(r -> r.key().equals(c.key()) && r.thread().equals(c.thread()))
                            .forEach(r -> authReads.add("NEW"));
                    assertThat(authReads).as("%s read once by its caller", c).hasSize(1);
                    List<ComparisonReport> rs = reports.getOrDefault(c.key(), List.of());
                    assertThat(rs).as("%s compared at most once", c).hasSizeLessThanOrEqualTo(1);
                    if (rs.isEmpty()) {
                        assertThat(window)
                                .as("%s not compared, so a stage without shadow reads", c)
                                .anyMatch(s -> !s.shadowReads()
                                        && s.authoritative().name().equals(authReads.get(0)));
                    } else {
                        Stage pinned = rs.get(0).stage();
                        assertThat(window)
                                .as("%s compared in a stage the flag held", c)
                                .contains(pinned);
                        assertThat(pinned.authoritative().name())
                                .as("%s read from the stage's authoritative store", c)
                                .isEqualTo(authReads.get(0));
                    }
                }
                assertThat(h.control.close(Duration.ofSeconds(5))).isTrue();
                Harness.assertNoLibraryThreads();
            } finally {
                h.control.close(Duration.ofSeconds(5));
            }
        }
    }

    private static Set<Stage> window(List<Stage> walk, Call c) {
        Set<Stage> stages = EnumSet.noneOf(Stage.class);
        for (int i = c.before(); i <= Math.min(c.after() + 1, walk.size() - 1); i++) {
            stages.add(walk.get(i));
        }
        return stages;
    }

    @Provide
    Arbitrary<List<Stage>> walks() {
        return Combinators.combine(
                        Arbitraries.of(Stage.class),
                        Arbitraries.of(-1, 1).list().ofMinSize(15).ofMaxSize(30))
                .as((start, steps) -> {
                    List<Stage> walk = new ArrayList<>(List.of(start));
                    Stage[] all = Stage.values();
                    for (int step : steps) {
                        int i = walk.get(walk.size() - 1).ordinal() + step;
                        if (i < 0 || i >= all.length) {
                            i -= 2 * step;
                        }
                        walk.add(all[i]);
                    }
                    return walk;
                });
    }
}
