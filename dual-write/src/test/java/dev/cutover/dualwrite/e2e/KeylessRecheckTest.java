package dev.cutover.dualwrite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.testkit.Eventually;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A read without an entity key (a listing) cannot wait in one key's lane behind the shadow writes
 * of the keys it lists. When the shadow store merely lags by more than the re-check delay and
 * nothing is written meanwhile, the lag must not be reported as a confirmed MISMATCH: the re-check
 * waits for the shadow writes submitted before the read.
 */
class KeylessRecheckTest {

    static final class MapStore implements CustomerRepository {
        final Map<String, Customer> rows = new ConcurrentHashMap<>();
        volatile CountDownLatch gate;

        @Override
        public Optional<Customer> find(String id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public List<Customer> listByTier(String tier) {
            return rows.values().stream()
                    .filter(c -> c.tier().equals(tier))
                    .sorted(Comparator.comparing(Customer::id))
                    .toList();
        }

        @Override
        public Customer save(Customer c) {
            CountDownLatch g = gate;
            if (g != null && Thread.currentThread().getName().startsWith("cutover-dualwrite-")) {
                try {
                    g.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            rows.put(c.id(), c);
            return c;
        }

        @Override
        public void delete(String id) {
            rows.remove(id);
        }
    }

    @Test
    void aShadowStoreThatOnlyLagsIsNotAConfirmedMismatchOfAKeylessRead() throws Exception {
        MapStore oldStore = new MapStore();
        MapStore newStore = new MapStore();
        Reports reports = new Reports();
        try (TestFlags flags = new TestFlags()) {
            flags.set("customers.migration", Stage.SHADOW.name());
            CustomerRepository customers = DualWrite.of(CustomerRepository.class)
                    .oldStore(oldStore)
                    .newStore(newStore)
                    .stageFlag(flags.client(), "customers.migration")
                    .entityKey("save", args -> ((Customer) args[0]).id())
                    .entityKey("listByTier", args -> null)
                    .listener(reports)
                    .comparison(Comparison.builder()
                            .recheckAfter(Duration.ofMillis(50))
                            .build())
                    .build();
            DualWriteControl control = DualWrite.control(customers);
            try {
                CountDownLatch gate = new CountDownLatch(1);
                newStore.gate = gate; // the shadow write is slow: a busy shadow executor
                customers.save(new Customer("c-1", "Ada", "gold", List.of(), Instant.parse("2025-01-01T00:00:00Z")));
                customers.listByTier("gold"); // old: [c-1]; new: [] until the shadow write lands
                customers.find("c-1"); // queued behind the shadow write in the key's lane
                // nothing else is written; the listing is re-checked after 50 ms, while the write still waits
                Eventually.within(
                        Duration.ofSeconds(5),
                        "the listing re-checked",
                        () -> !reports.reports().isEmpty());
                gate.countDown();
                assertThat(control.awaitIdle(Duration.ofSeconds(5))).isTrue();
                System.out.println(reports.reports());
                assertThat(reports.reports())
                        .as("the stores never disagreed, the new one lagged")
                        .extracting(ComparisonReport::outcome)
                        .doesNotContain(ComparisonReport.Outcome.MISMATCH);
            } finally {
                control.close(Duration.ofSeconds(5));
            }
        }
    }
}
