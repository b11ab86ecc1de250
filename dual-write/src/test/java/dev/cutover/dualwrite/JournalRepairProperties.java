package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Repairs racing callers: 2 to 4 threads write and delete a few keys each through the proxy while
 * journal repairs run and the shadow store fails at random (its writes land or throw; a throw may
 * come after the write landed). Once the writers stop, the proxy is idle and a final repair pass
 * ran, every key is equal in both stores or still pending in the journal, so no entry was
 * resolved while its key differed; with the shadow store healthy again, one more pass leaves both
 * stores equal and the journal empty. Each key has one writer: two threads writing one key at the
 * same moment may reach the shadow store in the other order without any repair involved (see
 * {@link DualWrite}), which is not what this property is about.
 */
class JournalRepairProperties {
    private static final int KEYS_PER_WRITER = 3;

    /** A store that fails a share of its calls, before or after applying them. */
    static final class Flaky implements OrderRepository {
        private final OrderRepository delegate;
        private final SplittableRandom seed;
        private final int failPercent;
        final AtomicBoolean healthy = new AtomicBoolean();

        Flaky(OrderRepository delegate, long seed, int failPercent) {
            this.delegate = delegate;
            this.seed = new SplittableRandom(seed);
            this.failPercent = failPercent;
        }

        private int roll() {
            if (healthy.get()) {
                return 100;
            }
            synchronized (seed) {
                return seed.nextInt(100);
            }
        }

        private <T> T call(java.util.function.Supplier<T> op) {
            int r = roll();
            if (r < failPercent / 2) {
                throw new IllegalStateException("injected failure before the call");
            }
            T result = op.get();
            if (r < failPercent) {
                throw new IllegalStateException("injected failure after the call landed");
            }
            return result;
        }

        @Override
        public Optional<Order> find(String id) {
            return call(() -> delegate.find(id));
        }

        @Override
        public List<Order> list() {
            return delegate.list();
        }

        @Override
        public long count() {
            return delegate.count();
        }

        @Override
        public Order save(Order order) {
            return call(() -> delegate.save(order));
        }

        @Override
        public boolean delete(String id) {
            return call(() -> delegate.delete(id));
        }

        @Override
        public Order require(String id) throws OrderNotFoundException {
            return delegate.require(id);
        }
    }

    @Property(tries = 50)
    void everyKeyIsEqualOrPendingAfterRacingRepairs(
            @ForAll @IntRange(min = 2, max = 4) int writers,
            @ForAll @IntRange(min = 10, max = 40) int writesEach,
            @ForAll @IntRange(min = 0, max = 3) int stageIndex,
            @ForAll @IntRange(min = 10, max = 60) int failPercent,
            @ForAll long seed)
            throws Exception {
        Stage stage = List.of(Stage.DUAL_WRITE, Stage.SHADOW, Stage.LIVE, Stage.RAMP_DOWN)
                .get(stageIndex);
        InMemoryOrders oldData = new InMemoryOrders("old-");
        InMemoryOrders newData = new InMemoryOrders("new-");
        // the shadow side fails; the authority never does, so every caller's write reaches it
        boolean newIsShadow = stage.authoritative() == Side.OLD;
        Flaky flaky = new Flaky(newIsShadow ? newData : oldData, seed, failPercent);
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        List<String> keys = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            for (int k = 0; k < KEYS_PER_WRITER; k++) {
                keys.add("w" + w + "-k" + k);
            }
        }
        try (TestFlags flags = new TestFlags()) {
            flags.set(Harness.FLAG, stage.name());
            OrderRepository orders = DualWrite.of(OrderRepository.class)
                    .oldStore(newIsShadow ? oldData : flaky)
                    .newStore(newIsShadow ? flaky : newData)
                    .stageFlag(flags.client(), Harness.FLAG)
                    .entityKey("save", args -> ((Order) args[0]).id())
                    .shadowThreads(2)
                    .shadowTimeout(Duration.ofSeconds(2))
                    .journal(journal)
                    .build();
            DualWriteControl control = DualWrite.control(orders);
            try {
                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    SplittableRandom random = new SplittableRandom(seed + w);
                    int writer = w;
                    threads.add(started(() -> {
                        await(start);
                        for (int i = 0; i < writesEach; i++) {
                            String key = "w" + writer + "-k" + random.nextInt(KEYS_PER_WRITER);
                            if (random.nextInt(5) == 0) {
                                orders.delete(key);
                            } else {
                                orders.save(new Order(key, "w" + writer, "s" + i, random.nextInt(1000)));
                            }
                        }
                    }));
                }
                Thread repairer = started(() -> {
                    await(start);
                    while (!stop.get()) {
                        try {
                            pass(orders, journal);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                start.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                stop.set(true);
                repairer.join();
                assertThat(control.awaitIdle(Duration.ofSeconds(20))).as("idle").isTrue();

                pass(orders, journal);
                Set<String> pending = pendingKeys(journal);
                for (String key : keys) {
                    if (!pending.contains(key)) {
                        assertThat(newData.peek(key))
                                .as("key %s, not pending", key)
                                .isEqualTo(oldData.peek(key));
                    }
                }

                flaky.healthy.set(true);
                // the repair honours the shadow store's breaker, which the failures may have opened
                control.circuitBreaker(newIsShadow ? Side.NEW : Side.OLD).reset();
                pass(orders, journal);
                assertThat(control.awaitIdle(Duration.ofSeconds(20))).as("idle").isTrue();
                assertThat(journal.pending()).isEmpty();
                for (String key : keys) {
                    assertThat(newData.peek(key)).as("key %s", key).isEqualTo(oldData.peek(key));
                }
            } finally {
                control.close(Duration.ofSeconds(5));
            }
        }
    }

    private static void pass(OrderRepository orders, InMemoryFailedWriteJournal journal) throws Exception {
        JournalRepair.of(orders, journal)
                .read("find")
                .write("save")
                .delete("delete")
                .run();
    }

    private static Set<String> pendingKeys(InMemoryFailedWriteJournal journal) {
        Set<String> keys = new java.util.HashSet<>();
        for (JournalEntry e : journal.pending()) {
            String key = e.write().entityKey();
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static Thread started(Runnable body) {
        Thread t = new Thread(body, "test-writer");
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
