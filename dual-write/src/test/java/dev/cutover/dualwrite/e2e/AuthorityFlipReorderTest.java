package dev.cutover.dualwrite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One caller, one key, two writes one after the other, and a flip between them that changes the
 * authoritative store (SHADOW to LIVE, and the rollback). The first write's shadow write is still
 * busy on the store that the second write goes to as authoritative. The proxy must not let the
 * second write overtake it: otherwise the older value lands on top, nothing is journaled, and
 * callers read the older value until the key is written again.
 */
class AuthorityFlipReorderTest {

    /** A map store; when {@code gate} is set, its writes on shadow threads wait for it. */
    static final class MapStore implements CustomerRepository {
        final Map<String, Customer> rows = new ConcurrentHashMap<>();
        volatile CountDownLatch gate;

        @Override
        public Optional<Customer> find(String id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public List<Customer> listByTier(String tier) {
            return List.of();
        }

        @Override
        public Customer save(Customer c) {
            hold();
            rows.put(c.id(), c);
            return c;
        }

        @Override
        public void delete(String id) {
            hold();
            rows.remove(id);
        }

        private void hold() {
            CountDownLatch g = gate;
            if (g != null && Thread.currentThread().getName().startsWith("cutover-dualwrite-")) {
                try {
                    g.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"SHADOW, LIVE", "LIVE, SHADOW"})
    void aWriteAfterAnAuthorityFlipIsNotOverwrittenByTheQueuedShadowWriteOfTheWriteBeforeIt(Stage before, Stage after)
            throws Exception {
        MapStore oldStore = new MapStore();
        MapStore newStore = new MapStore();
        InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
        try (TestFlags flags = new TestFlags()) {
            flags.set("customers.migration", before.name());
            CustomerRepository customers = DualWrite.of(CustomerRepository.class)
                    .oldStore(oldStore)
                    .newStore(newStore)
                    .stageFlag(flags.client(), "customers.migration")
                    .entityKey("save", args -> ((Customer) args[0]).id())
                    .journal(journal)
                    .build();
            DualWriteControl control = DualWrite.control(customers);
            try {
                MapStore shadowOfBefore =
                        before.authoritative() == dev.cutover.dualwrite.Side.OLD ? newStore : oldStore;
                CountDownLatch gate = new CountDownLatch(1);
                shadowOfBefore.gate = gate; // the first write's shadow write waits in its lane: a busy shadow executor
                Customer v1 = new Customer("c-1", "first", "gold", List.of(), Instant.parse("2025-01-01T00:00:00Z"));
                Customer v2 = new Customer("c-1", "second", "gold", List.of(), Instant.parse("2025-01-01T00:00:01Z"));

                customers.save(v1); // authoritative: the store of `before`
                flags.set("customers.migration", after.name());
                // the busy shadow store catches up 200 ms later, well within the 1 s shadow budget
                Thread release = new Thread(() -> {
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                    gate.countDown();
                });
                release.start();
                customers.save(v2); // authoritative: the other store
                release.join();
                assertThat(control.awaitIdle(Duration.ofSeconds(5))).isTrue();
                assertThat(journal.pending()).as("nothing missed").isEmpty();

                assertThat(customers.find("c-1"))
                        .as("the caller reads its last acknowledged write")
                        .contains(v2);
                assertThat(oldStore.rows.get("c-1")).as("old store").isEqualTo(v2);
                assertThat(newStore.rows.get("c-1")).as("new store").isEqualTo(v2);
            } finally {
                control.close(Duration.ofSeconds(5));
                System.out.println("journal after " + before + " -> " + after + ": " + journal.pending() + "; counts "
                        + control.counts());
            }
        }
    }
}
